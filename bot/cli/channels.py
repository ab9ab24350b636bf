"""``hotline wechat menu`` and ``hotline telegram poll|set-webhook``: the channels' set-up.

The channel SDKs are imported inside the commands: every other ``hotline`` command starts
without paying for wechatpy, python-telegram-bot and the web stack.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import httpx
import typer

from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.settings import get_settings

__all__ = ["telegram_app", "wechat_app"]

wechat_app = typer.Typer(help="微信公众号：发布自定义菜单。", no_args_is_help=True)
telegram_app = typer.Typer(help="Telegram：本地长轮询、设置 webhook。", no_args_is_help=True)

ALLOWED_UPDATES = ["message", "callback_query"]


@wechat_app.command()
def menu(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示菜单，不发布")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Publish the account's menu: 权益问答 / 预约（预约接待、我的预约） / 人工服务."""
    from bot.channels.errors import ChannelNotConfigured, DeliveryError
    from bot.channels.wechat_api import MENU, WeChatApi, make_wechat_client

    if dry_run:
        if json_output:
            print_json({"published": False, "menu": MENU})
        else:
            typer.echo(json.dumps(MENU, ensure_ascii=False, indent=2))
        return
    try:
        api = WeChatApi(make_wechat_client(get_settings()))
        result = asyncio.run(api.publish_menu(MENU))
    except ChannelNotConfigured as error:
        fail(f"请先设置 WECHAT_APP_ID 和 WECHAT_APP_SECRET。({error})")
    except DeliveryError as error:
        fail(f"菜单发布失败：{error}", EXIT_UNAVAILABLE)
    if json_output:
        print_json({"published": True, "menu": MENU, "result": result})
    else:
        typer.echo("菜单已发布：权益问答 / 预约（预约接待、我的预约） / 人工服务")


def _bot() -> Any:
    from telegram import Bot

    settings = get_settings()
    if settings.telegram_token is None:
        fail("请先设置 TELEGRAM_TOKEN。")
    return Bot(settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_base_url)


async def _poll(gateway: str, once: bool, timeout_s: int) -> int:
    """Fetch updates and hand each to the gateway's own webhook; returns how many."""
    from bot.channels.telegram import SECRET_HEADER

    secret = get_settings().dev_secret("telegram_webhook_secret")
    handled = 0
    offset: int | None = None
    async with _bot() as bot, httpx.AsyncClient(timeout=60) as http:
        await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
        while True:
            updates = await bot.get_updates(
                offset=offset, timeout=timeout_s, allowed_updates=ALLOWED_UPDATES
            )
            for update in updates:
                response = await http.post(
                    f"{gateway}/telegram/{secret}",
                    json=update.to_dict(),
                    headers={SECRET_HEADER: secret},
                )
                if response.status_code >= 500:
                    typer.echo(
                        f"网关处理失败（{response.status_code}），稍后重试这条消息", err=True
                    )
                    break
                offset = update.update_id + 1
                handled += 1
            if once:
                return handled


@telegram_app.command()
def poll(
    gateway: Annotated[str | None, typer.Option(help="网关地址，默认本机网关")] = None,
    once: Annotated[bool, typer.Option("--once", help="只取一批消息后退出")] = False,
    timeout: Annotated[int, typer.Option(help="长轮询等待秒数")] = 25,
) -> None:
    """Long polling for local use: each update goes through the gateway's webhook route."""
    url = (gateway or get_settings().effective_gateway_url).rstrip("/")
    try:
        handled = asyncio.run(_poll(url, once, timeout))
    except KeyboardInterrupt:
        return
    except httpx.TransportError:
        fail(f"无法连接到网关 {url}，请先启动：make run", EXIT_UNAVAILABLE)
    typer.echo(f"已处理 {handled} 条更新")


@telegram_app.command("set-webhook")
def set_webhook(
    public_url: Annotated[
        str, typer.Argument(help="网关的公网 HTTPS 地址，如 https://example.org")
    ],
) -> None:
    """Point Telegram at ``PUBLIC_URL/telegram/<secret>`` with the secret-token header."""
    secret = get_settings().dev_secret("telegram_webhook_secret")

    async def run() -> bool:
        async with _bot() as bot:
            return bool(
                await bot.set_webhook(
                    url=f"{public_url.rstrip('/')}/telegram/{secret}",
                    secret_token=secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            )

    typer.echo("Webhook 已设置" if asyncio.run(run()) else "Telegram 拒绝了设置")
