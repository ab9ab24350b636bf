"""``hotline bench chat``: signed WeChat messages at a fixed rate through a real stack.

Starts PostgreSQL, Redis, the engine, the action server and the gateway on loopback (see
``bot.bench.stack``), runs the open-loop load against the gateway's WeChat callback and,
on the same message mix, against Rasa's bare REST channel, and prints both with the ratio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Annotated, Any

import typer
import uvloop

from bot.bench.chat import MemoryWatch, SaturationStep, measure, saturate
from bot.bench.stack import StackError, start_stack
from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json

__all__ = ["chat"]


def _run(coroutine: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    """Run on uvloop: the load generator shares the machine it measures, so it must be cheap."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def _line(figures: dict[str, Any]) -> str:
    return (
        f"{figures['msgs_per_s']:>6} 条/秒  p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms"
        f"  p99 {figures['p99_ms']} ms  最长 {figures['max_ms']} ms  错误 {figures['errors']}"
        f"  超时(>4.5秒) {figures['deadline_misses']}  稍候回复 {figures['holding_replies']}"
    )


def chat(
    rate: Annotated[float, typer.Option(help="每秒发送的消息数（开环）")] = 20.0,
    duration: Annotated[float, typer.Option(help="每轮持续秒数")] = 30.0,
    saturate_mode: Annotated[
        bool, typer.Option("--saturate", help="逐步提高速率，找出 p99 不超过 1 秒的最高速率")
    ] = False,
    step: Annotated[float, typer.Option(help="--saturate 每步增加的速率")] = 10.0,
    engines: Annotated[int, typer.Option(help="引擎进程数（各有自己的地址）")] = 1,
    engine_workers: Annotated[
        int, typer.Option(help="每个引擎的工作进程数（Rasa 的 SANIC_WORKERS，共用一个地址）")
    ] = 2,
    gateways: Annotated[int, typer.Option(help="网关进程数")] = 1,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Load benchmark of the WeChat path (open loop), with the bare engine as baseline."""
    if rate <= 0 or duration <= 0 or step <= 0:
        fail("--rate、--duration 和 --step 必须大于 0。")
    if not all(1 <= n <= 8 for n in (engines, gateways, engine_workers)):
        fail("--engines、--engine-workers 和 --gateways 须在 1 到 8 之间。")

    def progress(message: str) -> None:
        if not json_output:
            typer.echo(message)

    def step_done(current: SaturationStep) -> None:
        verdict = "稳住" if current.held else "未稳住"
        progress(f"  {current.rate:>5.0f} 条/秒 → {_line(current.figures)}  [{verdict}]")

    progress(
        f"启动测试环境（PostgreSQL、Redis、{engines} 个引擎 × {engine_workers} 个工作进程、"
        f"{gateways} 个网关进程）……"
    )
    try:
        with (
            start_stack(engines=engines, gateways=gateways, engine_workers=engine_workers) as stack,
            MemoryWatch(stack) as memory,
        ):
            progress("开始测试。")
            result: dict[str, Any] = {
                "rate": rate,
                "engines": engines,
                "engine_workers": engine_workers,
                "gateways": gateways,
            }
            if saturate_mode:
                result.update(
                    _run(
                        saturate(
                            stack,
                            start_rate=rate,
                            step=step,
                            duration_s=duration,
                            report=step_done,
                        )
                    )
                )
            result.update(_run(measure(stack, rate=rate, duration_s=duration)))
            memory.sample()
    except StackError as error:
        fail(f"测试环境没有启动：{error}", EXIT_UNAVAILABLE)
    result["memory_mb"] = memory.to_dict()
    if json_output:
        print_json(result)
        return
    typer.echo(f"网关（微信接口）  {_line(result)}")
    typer.echo(f"裸引擎（REST）    {_line(result['baseline'])}")
    typer.echo(f"网关开销（p50 之比）：{result['overhead_ratio']}")
    if saturate_mode:
        typer.echo(f"饱和速率：{result['saturation_msgs_per_s']} 条/秒（p99 ≤ 1 秒，无错误）")
    typer.echo(f"内存峰值（所有进程 PSS 合计）：{result['memory_mb']['peak_total_mb']} MB")
