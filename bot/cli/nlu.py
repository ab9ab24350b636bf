"""``hotline nlu parse``: the engine's parse of one message."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.engine.client import EngineClient, EngineError, EngineUnavailable
from bot.settings import get_settings
from nlu.evaluation import EvaluationDataError, LabelledText, Prediction, evaluate, load_jsonl

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


async def _predict_all(items: list[LabelledText]) -> list[Prediction]:
    settings = get_settings()
    client = EngineClient(settings.rasa_url, token=settings.dev_secret("rasa_token"), timeout_s=30)
    predictions: list[Prediction] = []
    try:
        for item in items:
            started = time.perf_counter()
            result = await client.parse(item.text)
            elapsed_ms = (time.perf_counter() - started) * 1000
            intent = result.get("intent") or {}
            predictions.append(
                Prediction(
                    gold=item.intent,
                    predicted=str(intent.get("name")),
                    confidence=float(intent.get("confidence") or 0.0),
                    latency_ms=elapsed_ms,
                    text=item.text,
                )
            )
    finally:
        await client.aclose()
    return predictions


@app.command("eval")
def eval_command(
    data: Annotated[Path, typer.Option("--data", help='JSONL：每行 {"text", "intent"}')],
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Accuracy, macro-F1, per-intent scores, confusions and parse latency on a labelled file.

    Parses every line through the running engine's HTTP API (sequentially, so the latency
    figures are per-parse). A fallback on an out-of-scope message counts as correct.
    """
    try:
        items = load_jsonl(data)
    except (OSError, EvaluationDataError) as error:
        fail(f"无法读取评估数据：{error}")
    try:
        predictions = asyncio.run(_predict_all(items))
    except EngineUnavailable:
        fail(
            "无法连接到 Rasa 引擎。请先运行 make run（或 .venv/bin/hotline engine run）。",
            EXIT_UNAVAILABLE,
        )
    report = evaluate(predictions)
    if json_output:
        print_json(report)
        return
    typer.echo(
        f"n={report['n']}  accuracy={report['accuracy']:.3f}  macro_f1={report['macro_f1']:.3f}  "
        f"p50={report['p50_ms']}ms  p99={report['p99_ms']}ms"
    )
    for pair in report["confused_pairs"][:10]:
        typer.echo(f"  {pair['gold']} → {pair['predicted']}: {pair['count']}")
