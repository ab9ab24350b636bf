"""``hotline nlu parse|eval|compare``: the engine's parse, and measured pipeline quality."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.engine.client import EngineClient, EngineError, EngineUnavailable
from bot.engine.model import EngineSetupError
from bot.engine.nlu_models import serve_nlu_model, train_nlu_model
from bot.settings import get_settings
from knowledge.check import DOMAIN_INTENTS
from nlu.clauses import split_clauses
from nlu.evaluation import (
    EvaluationDataError,
    LabelledText,
    Prediction,
    evaluate,
    load_jsonl,
    multi_problem_sweep,
    threshold_sweep,
)
from nlu.extraction import extract_facts

app = typer.Typer(help="NLU：解析、评估和比较管线。", no_args_is_help=True)

__all__ = ["app"]

ENGINE_DOWN = "无法连接到 Rasa 引擎。请先运行 make run（或 .venv/bin/hotline engine run）。"


def _engine_client(url: str | None = None, token: str | None = None) -> EngineClient:
    settings = get_settings()
    return EngineClient(
        url or settings.rasa_url,
        token=token if url else settings.dev_secret("rasa_token"),
        timeout_s=30,
    )


async def _parse(text: str) -> dict[str, Any]:
    client = _engine_client()
    try:
        return await client.parse(text)
    finally:
        await client.aclose()


@app.command()
def parse(
    text: Annotated[str, typer.Argument(help="要解析的一句话")],
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Intent, confidence, ranking and entities as the engine sees one message.

    The JSON adds ``facts``: dates, ages, babies and amounts normalised to ISO dates and
    numbers (today's date resolves relative expressions such as 去年3月5号).
    """
    try:
        result = asyncio.run(_parse(text))
    except EngineUnavailable:
        fail(ENGINE_DOWN, EXIT_UNAVAILABLE)
    except EngineError as error:
        fail(f"引擎拒绝了请求：{error}")
    facts = extract_facts(text, result.get("entities", []), today=date.today())
    if json_output:
        print_json({**result, "facts": facts.to_dict()})
        return
    intent = result.get("intent") or {}
    typer.echo(f"意图：{intent.get('name')}（{intent.get('confidence', 0):.3f}）")
    for entity in result.get("entities", []):
        typer.echo(f"  实体 {entity.get('entity')}：{entity.get('value')}")


async def _predict_all(client: EngineClient, items: list[LabelledText]) -> list[Prediction]:
    predictions: list[Prediction] = []
    try:
        for item in items:
            started = time.perf_counter()
            result = await client.parse(item.text)
            elapsed_ms = (time.perf_counter() - started) * 1000
            intent = result.get("intent") or {}
            clauses = []
            for clause in split_clauses(item.text):
                parsed = await client.parse(clause)
                top = next(
                    (
                        r
                        for r in parsed.get("intent_ranking", [])
                        if r.get("name") != "nlu_fallback"
                    ),
                    {},
                )
                clauses.append((str(top.get("name")), float(top.get("confidence") or 0.0)))
            predictions.append(
                Prediction(
                    gold=item.intent,
                    predicted=str(intent.get("name")),
                    confidence=float(intent.get("confidence") or 0.0),
                    latency_ms=elapsed_ms,
                    text=item.text,
                    ranking=tuple(
                        (str(r.get("name")), float(r.get("confidence") or 0.0))
                        for r in result.get("intent_ranking", [])
                    ),
                    gold_entities=item.entities,
                    entities=tuple(
                        (str(e.get("entity")), str(e.get("value")), e.get("role"))
                        for e in result.get("entities", [])
                    ),
                    also=item.also,
                    clauses=tuple(clauses),
                )
            )
    finally:
        await client.aclose()
    return predictions


def _evaluate_config(config: Path, items: list[LabelledText]) -> dict[str, Any]:
    settings = get_settings()
    model_dir = settings.model_dir / "nlu"
    trained = train_nlu_model(config, model_dir)
    log = settings.var_dir / f"compare-{config.stem}.log"
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with serve_nlu_model(trained.path, log) as served:
        predictions = asyncio.run(_predict_all(_engine_client(served.url, served.token), items))
    return {
        "config": str(config),
        "train_seconds": trained.train_seconds,
        **evaluate(predictions),
        "threshold_sweep": threshold_sweep(predictions, SWEEP),
        "multi_problem_sweep": multi_problem_sweep(predictions, MULTI_SWEEP, DOMAIN),
    }


def _load(data: Path) -> list[LabelledText]:
    try:
        return load_jsonl(data)
    except (OSError, EvaluationDataError) as error:
        fail(f"无法读取评估数据：{error}")


SWEEP = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)
MULTI_SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DOMAIN = frozenset(DOMAIN_INTENTS)

SUMMARY_KEYS = (
    "n",
    "accuracy",
    "macro_f1",
    "fallback_rate",
    "out_of_scope_handled_rate",
    "p50_ms",
    "p99_ms",
)


@app.command("eval")
def eval_command(
    data: Annotated[Path, typer.Option("--data", help='JSONL：每行 {"text", "intent"}')],
    compare: Annotated[
        Path | None, typer.Option("--compare", help="另一个管线配置，与当前引擎并列评估")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Accuracy, macro-F1, per-intent scores, confusions and parse latency on a labelled file.

    Parses every line through the running engine's HTTP API (sequentially, so latency is
    per parse). A fallback on an out-of-scope message counts as correct. With --compare,
    another config is trained (once, cached) and served on a free port, and measured on the
    same data in the same run.
    """
    items = _load(data)
    try:
        predictions = asyncio.run(_predict_all(_engine_client(), items))
    except EngineUnavailable:
        fail(ENGINE_DOWN, EXIT_UNAVAILABLE)
    report = evaluate(predictions)
    report["threshold_sweep"] = threshold_sweep(predictions, SWEEP)
    report["multi_problem_sweep"] = multi_problem_sweep(predictions, MULTI_SWEEP, DOMAIN)
    if compare is not None:
        try:
            report["compare"] = _evaluate_config(compare, items)
        except EngineSetupError as error:
            fail(f"无法评估 {compare}：{error}")
    if json_output:
        print_json(report)
        return
    rows = [("当前引擎", report)] + ([(str(compare), report["compare"])] if compare else [])
    for name, figures in rows:
        typer.echo(f"{name}: " + "  ".join(f"{k}={figures[k]}" for k in SUMMARY_KEYS))
    for pair in report["confused_pairs"][:10]:
        typer.echo(f"  {pair['gold']} → {pair['predicted']}: {pair['count']}")


@app.command()
def compare(
    data: Annotated[Path, typer.Option("--data", help="JSONL 测试集")],
    configs: Annotated[list[Path], typer.Option("--config", help="管线配置（可多次给出）")],
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Train (once, cached) and measure several pipeline configs on the same test set."""
    items = _load(data)
    results: list[dict[str, Any]] = []
    for config in configs:
        try:
            results.append(_evaluate_config(config, items))
        except EngineSetupError as error:
            # One broken candidate must not throw away the measurements of the others.
            results.append({"config": str(config), "error": str(error)})
    if json_output:
        print_json({"results": results})
        return
    header = ("config", "train_seconds", *SUMMARY_KEYS)
    typer.echo(" | ".join(header))
    for result in results:
        if "error" in result:
            typer.echo(f"{result['config']} | 失败：{result['error']}")
            continue
        typer.echo(" | ".join(str(result[k]) for k in header))
