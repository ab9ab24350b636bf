"""``hotline console suggest|bench``: the operator console's suggestions from a terminal."""

from __future__ import annotations

import statistics
import time
from typing import Annotated, Any

import httpx
import typer

from bot.cli.gateway_client import not_running_message
from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.settings import get_settings

__all__ = ["app"]

app = typer.Typer(help="接线员工作台：建议答复、延迟测量。", no_args_is_help=True)

# What callers say, as an operator would type it while listening.
CALLER_TEXTS = [
    "我怀孕五个月了，公司说要辞退我",
    "山东产假多少天",
    "休完产假回来工资被降了",
    "怀孕七个月了还让我上夜班",
    "生育津贴怎么算，公司没给交生育保险",
    "哺乳期每天有多少哺乳时间",
    "公司拖欠了三个月工资",
    "我想预约律师咨询",
    "劳动仲裁怎么申请",
    "流产了有假吗",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@app.command()
def suggest(
    text: Annotated[str, typer.Argument(help="来电者说的话")],
    province: Annotated[str | None, typer.Option(help="已知的省份")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Show the console's suggestions (intent, entities, three replies) for one text."""
    url = get_settings().effective_gateway_url
    payload: dict[str, Any] = {"text": text}
    if province:
        payload["province"] = province
    try:
        response = httpx.post(f"{url}/api/v1/suggest", json=payload, timeout=30)
    except httpx.TransportError:
        fail(not_running_message(url), EXIT_UNAVAILABLE)
    response.raise_for_status()
    body = response.json()
    if json_output:
        print_json(body)
        return
    typer.echo(f"意图：{body['intent']}（置信度 {body['confidence'] or 0:.2f}）")
    for entity in body["entities"]:
        typer.echo(f"  {entity['entity']}：{entity['value']}")
    for number, item in enumerate(body["suggestions"], start=1):
        typer.echo(f"{number}. {item['text']}\n   依据：{'；'.join(item['citations'])}")


@app.command()
def bench(
    requests: Annotated[int, typer.Option(help="请求次数")] = 200,
    warmup: Annotated[int, typer.Option(help="预热请求次数（不计入）")] = 10,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Latency of ``POST /api/v1/suggest`` through the running gateway (engine warm)."""
    url = get_settings().effective_gateway_url
    latencies: list[float] = []
    errors = 0
    with httpx.Client(timeout=30) as client:
        try:
            for number in range(warmup + requests):
                text = CALLER_TEXTS[number % len(CALLER_TEXTS)]
                started = time.perf_counter()
                response = client.post(f"{url}/api/v1/suggest", json={"text": text})
                elapsed = (time.perf_counter() - started) * 1000
                if number < warmup:
                    continue
                if response.status_code != 200 or response.json().get("engine") != "up":
                    errors += 1
                latencies.append(elapsed)
        except httpx.TransportError:
            fail(not_running_message(url), EXIT_UNAVAILABLE)
    result = {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
    }
    if json_output:
        print_json(result)
        return
    typer.echo(
        f"{result['requests']} 次请求，错误 {errors}：p50 {result['p50_ms']} ms，"
        f"p95 {result['p95_ms']} ms，p99 {result['p99_ms']} ms，最长 {result['max_ms']} ms"
    )
