"""The chat benchmark: the gateway's WeChat path against the bare engine, in one run.

Kept free of the CLI so tests can drive it with a small stack: ``measure`` runs the
baseline (Rasa's REST channel) and the gateway on the same seeded message mix, and
``saturate`` raises the offered rate step by step until the 99th percentile passes 1 s.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.bench.load import RestTarget, Target, WeChatTarget, run_open_loop
from bot.bench.scenarios import SCRIPTS
from bot.bench.stack import BenchStack
from bot.bench.stats import RunFigures

__all__ = ["MemoryWatch", "SaturationStep", "measure", "saturate"]

SATURATION_P99_MS = 1000.0
WARMUP_S = 4.0


class MemoryWatch:
    """Samples the stack's memory every ``interval_s`` in a thread; keeps the peak total."""

    def __init__(self, stack: BenchStack, interval_s: float = 2.0) -> None:
        self._stack = stack
        self._interval_s = interval_s
        self._stop = threading.Event()
        self.peak_total_mb = 0.0
        self.peak_by_role: dict[str, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval_s)

    def sample(self) -> None:
        by_role = self._stack.memory_mb()
        total = sum(by_role.values())
        if total > self.peak_total_mb:
            self.peak_total_mb, self.peak_by_role = total, by_role

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def to_dict(self) -> dict[str, Any]:
        return {"peak_total_mb": round(self.peak_total_mb, 1), "by_role": self.peak_by_role}


def _targets(stack: BenchStack) -> tuple[Target, Target]:
    gateway = WeChatTarget(stack.gateway_url, stack.wechat_token)
    baseline = RestTarget(stack.engine_urls[0], stack.rasa_token)
    return gateway, baseline


async def _settle(stack: BenchStack | None, idle_share: float = 0.15, limit_s: float = 240) -> None:
    """Wait until the engines are idle: the next phase must not inherit the last one's backlog."""
    if stack is None:
        return
    for _ in range(int(limit_s)):
        before = stack.cpu_seconds()
        await asyncio.sleep(1.0)
        after = stack.cpu_seconds()
        busy = sum(after[r] - before.get(r, 0.0) for r in after if r.startswith("engine"))
        if busy < idle_share:
            return


async def _run(
    target: Target,
    rate: float,
    duration_s: float,
    prefix: str,
    stack: BenchStack | None = None,
) -> RunFigures:
    await _settle(stack)
    before = stack.cpu_seconds() if stack else {}
    figures = await run_open_loop(
        target, rate=rate, duration_s=duration_s, scripts=SCRIPTS, prefix=prefix
    )
    if stack and figures.latencies_s:
        after = stack.cpu_seconds()
        figures.cpu_ms_per_msg = {
            role: round((after[role] - before.get(role, 0.0)) * 1000 / len(figures.latencies_s), 1)
            for role in after
        }
    return figures


async def measure(stack: BenchStack, *, rate: float, duration_s: float) -> dict[str, Any]:
    """Baseline then gateway at ``rate`` for ``duration_s`` each, after a short warm-up."""
    gateway, baseline = _targets(stack)
    await _run(baseline, min(rate, 10), WARMUP_S, "bench-warm-b-")
    await _run(gateway, min(rate, 10), WARMUP_S, "oBenchWarmG")
    base = await _run(baseline, rate, duration_s, "bench-base-", stack)
    main = await _run(gateway, rate, duration_s, "oBenchGate", stack)
    result = main.to_dict()
    result["baseline"] = base.to_dict()
    base_p50 = result["baseline"]["p50_ms"]
    result["overhead_ratio"] = round(result["p50_ms"] / base_p50, 2) if base_p50 else None
    return result


@dataclass
class SaturationStep:
    rate: float
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        f = self.figures
        return bool(
            f["errors"] == 0
            and f["p99_ms"] <= SATURATION_P99_MS
            and f["msgs_per_s"] >= 0.95 * self.rate
        )


async def saturate(
    stack: BenchStack,
    *,
    start_rate: float,
    step: float,
    duration_s: float,
    max_rate: float = 400.0,
    report: Callable[[SaturationStep], None] | None = None,
) -> dict[str, Any]:
    """Raise the offered rate by ``step`` until a step is not held; the highest held rate."""
    gateway, _ = _targets(stack)
    await _run(gateway, min(start_rate, 10), WARMUP_S, "oBenchWarmS")
    steps: list[SaturationStep] = []
    rate = start_rate
    while rate <= max_rate:
        figures = await _run(gateway, rate, duration_s, f"oBenchSat{int(rate):03d}x", stack)
        current = SaturationStep(rate, figures.to_dict())
        steps.append(current)
        if report:
            report(current)
        if not current.held:
            break
        rate += step
    held = [s.rate for s in steps if s.held]
    return {
        "saturation_msgs_per_s": max(held) if held else 0.0,
        "saturation_steps": [
            {"offered_msgs_per_s": s.rate, "held": s.held, **s.figures} for s in steps
        ],
    }
