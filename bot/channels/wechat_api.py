"""WeChat's server API (customer-service messages, menu) through wechatpy's client.

The access token is cached where every gateway process finds it: in Redis (wechatpy's
``RedisStorage``) when ``REDIS_URL`` is set, in process memory for the embedded default.
wechatpy's client is synchronous (``requests``); callers run it in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import redis
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from bot.channels.errors import ChannelNotConfigured, DeliveryError
from bot.channels.text import render_plain, split_bytes
from bot.conversation import Reply
from bot.settings import Settings

__all__ = ["MENU", "WECHAT_TEXT_LIMIT_BYTES", "WeChatApi", "make_wechat_client"]

log = logging.getLogger(__name__)

# WeChat shows at most 2048 bytes per text message; leave room for a footer.
WECHAT_TEXT_LIMIT_BYTES = 2000
API_TIMEOUT_S = 5.0

# WeChat allows at most three top-level buttons, each with up to five sub-buttons.
MENU: dict[str, Any] = {
    "button": [
        {"type": "click", "name": "权益问答", "key": "RIGHTS_QA"},
        {
            "name": "预约",
            "sub_button": [
                {"type": "click", "name": "预约接待", "key": "BOOK"},
                {"type": "click", "name": "我的预约", "key": "MY_BOOKINGS"},
            ],
        },
        {"type": "click", "name": "人工服务", "key": "HUMAN"},
    ]
}


class _Client(WeChatClient):  # type: ignore[misc]
    """wechatpy's client with its base URL taken from the settings (a fake in tests)."""

    def __init__(self, appid: str, secret: str, *, base_url: str, session: Any) -> None:
        super().__init__(appid, secret, session=session, timeout=API_TIMEOUT_S)
        self.API_BASE_URL = base_url if base_url.endswith("/") else base_url + "/"

    def fetch_access_token(self) -> Any:
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


def make_wechat_client(settings: Settings) -> WeChatClient:
    """A wechatpy client for the configured account; raises when AppID/AppSecret are unset."""
    if not settings.wechat_app_id or settings.wechat_app_secret is None:
        raise ChannelNotConfigured("WECHAT_APP_ID and WECHAT_APP_SECRET are needed for the API")
    if settings.redis_url:
        storage: Any = RedisStorage(
            redis.Redis.from_url(settings.redis_url, socket_timeout=2.0), prefix="wechatpy"
        )
    else:
        storage = MemoryStorage()
    return _Client(
        settings.wechat_app_id,
        settings.wechat_app_secret.get_secret_value(),
        base_url=settings.wechat_api_base_url,
        session=storage,
    )


class WeChatApi:
    """Asynchronous wrapper: push messages (customer-service API) and publish the menu."""

    def __init__(self, client: WeChatClient) -> None:
        self._client = client

    async def send_texts(self, openid: str, texts: Sequence[str]) -> None:
        for text in texts:
            await self._call(self._client.message.send_text, openid, text)

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> None:
        """Send replies as customer-service text messages, split to WeChat's size limit."""
        text = render_plain(replies)
        await self.send_texts(user_id, split_bytes(text, WECHAT_TEXT_LIMIT_BYTES))

    async def publish_menu(self, menu: dict[str, Any] | None = None) -> dict[str, Any]:
        result = await self._call(self._client.menu.create, menu or MENU)
        return dict(result) if isinstance(result, dict) else {"result": str(result)}

    async def _call(self, function: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(function, *args)
        except WeChatClientException as error:
            log.warning("WeChat API refused a call: errcode %s", error.errcode)
            raise DeliveryError(f"WeChat API error {error.errcode}: {error.errmsg}") from error
        except OSError as error:  # requests' connection errors derive from OSError
            log.warning("WeChat API unreachable: %s", type(error).__name__)
            raise DeliveryError("WeChat API unreachable") from error
