"""``hotline nlu parse``: the engine's parse of one message."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.engine.client import EngineClient, EngineError, EngineUnavailable
from bot.settings import get_settings

app = typer.Typer(help="NLU：解析和评估。", no_args_is_help=True)

__all__ = ["app"]


async def _parse(text: str) -> dict[str, Any]:
    settings = get_settings()
    client = EngineClient(settings.rasa_url, token=settings.dev_secret("rasa_token"), timeout_s=10)
    try:
        return await client.parse(text)
    finally:
        await client.aclose()


@app.command()
def parse(
    text: Annotated[str, typer.Argument(help="要解析的一句话")],
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Intent, confidence, ranking and entities as the engine sees one message."""
    try:
        result = asyncio.run(_parse(text))
    except EngineUnavailable:
        fail(
            "无法连接到 Rasa 引擎。请先运行 make run（或 .venv/bin/hotline engine run）。",
            EXIT_UNAVAILABLE,
        )
    except EngineError as error:
        fail(f"引擎拒绝了请求：{error}")
    if json_output:
        print_json(result)
        return
    intent = result.get("intent") or {}
    typer.echo(f"意图：{intent.get('name')}（{intent.get('confidence', 0):.3f}）")
    for entity in result.get("entities", []):
        typer.echo(f"  实体 {entity.get('entity')}：{entity.get('value')}")
