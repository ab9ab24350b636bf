"""``hotline ask`` (one message, fresh conversation) and ``hotline chat`` (a conversation)."""

from __future__ import annotations

import contextlib
import sys
import uuid
from typing import Annotated, Any

import typer

from bot.cli.gateway_client import GatewayClient, GatewayUnavailable, not_running_message
from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.conversation import Reply, Turn
from bot.settings import get_settings

__all__ = ["ask", "chat"]

HISTORY_COMMANDS = {":history", "：history", "/history", "历史"}
QUIT_COMMANDS = {":q", ":quit", "/quit", "exit", "quit", "退出"}


def _turn_json(turn: Turn) -> dict[str, Any]:
    """The contract shape of the design: intent, confidence, entities, replies."""
    return {
        "intent": turn.intent,
        "confidence": turn.confidence,
        "entities": turn.entities,
        "replies": [
            {
                "text": r.text,
                "citations": r.citations,
                "buttons": [{"title": b.title, "payload": b.payload} for b in r.buttons],
            }
            for r in turn.replies
        ],
    }


def _render_reply(reply: Reply) -> str:
    lines = [reply.text]
    if reply.citations:
        lines.append("  依据：" + "；".join(reply.citations))
    for number, button in enumerate(reply.buttons, start=1):
        lines.append(f"  [{number}] {button.title}")
    return "\n".join(lines)


def ask(
    text: Annotated[str, typer.Argument(help="工人或来电者说的话")],
    province: Annotated[str | None, typer.Option(help="已知的省份，如 山东")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Send one message in a fresh conversation through the whole stack."""
    settings = get_settings()
    client = GatewayClient(settings.effective_gateway_url)
    try:
        turn = client.send(
            channel="cli", user_id=f"ask-{uuid.uuid4().hex}", text=text, province=province
        )
    except GatewayUnavailable:
        fail(not_running_message(settings.effective_gateway_url), EXIT_UNAVAILABLE)
    finally:
        client.close()
    if json_output:
        print_json(_turn_json(turn))
        return
    typer.echo(f"意图：{turn.intent}（置信度 {turn.confidence or 0:.2f}）")
    for reply in turn.replies:
        typer.echo(_render_reply(reply))


def _button_choice(text: str, last_buttons: list[Any]) -> str:
    """A bare digit picks the numbered button of the previous bot turn."""
    stripped = text.strip()
    if stripped.isdigit() and last_buttons:
        index = int(stripped) - 1
        if 0 <= index < len(last_buttons):
            return str(last_buttons[index].payload)
    return text


def chat(
    json_output: Annotated[
        bool, typer.Option("--json", help="每行读一条消息，每轮输出一个 JSON")
    ] = False,
    province: Annotated[str | None, typer.Option(help="已知的省份，如 山东")] = None,
    user: Annotated[str | None, typer.Option(help="会话标识；同一标识继续同一段对话")] = None,
) -> None:
    """An interactive conversation in the terminal (buttons shown as numbered choices)."""
    settings = get_settings()
    client = GatewayClient(settings.effective_gateway_url)
    user_id = user or f"chat-{uuid.uuid4().hex}"
    transcript: list[str] = []
    last_buttons: list[Any] = []
    first = True
    if not json_output:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and ↑ history for input())
        typer.echo("三期女职工维权助手（输入“历史”查看对话记录，“退出”结束；按编号选择按钮）")
    try:
        while True:
            if json_output:
                line = sys.stdin.readline()
                if not line:
                    break
                text = line.strip()
                if not text:
                    continue
            else:
                try:
                    text = input("您：").strip()
                except EOFError:
                    break
                if not text:
                    continue
                if text in QUIT_COMMANDS:
                    break
                if text in HISTORY_COMMANDS:
                    typer.echo("\n".join(transcript) or "（还没有对话）")
                    continue
            sent = _button_choice(text, last_buttons)
            try:
                turn = client.send(
                    channel="cli",
                    user_id=user_id,
                    text=sent,
                    province=province if first else None,
                )
            except GatewayUnavailable:
                fail(not_running_message(settings.effective_gateway_url), EXIT_UNAVAILABLE)
            first = False
            last_buttons = [b for r in turn.replies for b in r.buttons]
            transcript.append(f"您：{text}")
            if json_output:
                print_json({"user": text, **_turn_json(turn)})
                continue
            for reply in turn.replies:
                rendered = _render_reply(reply)
                transcript.append(f"助手：{rendered}")
                typer.echo(f"助手：{rendered}")
    finally:
        client.close()
