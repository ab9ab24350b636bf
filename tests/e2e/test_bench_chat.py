"""``hotline bench chat`` runs end to end and prints the figures its contract names.

A short, slow run: the point is the command (its own PostgreSQL, Redis, engine workers and
gateway, signed WeChat messages, the bare-engine baseline, the saturation search), not the
figures, which a shared CI machine cannot judge. The figures are in the closing notes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.engine.model import ensure_model
from bot.settings import PROJECT_ROOT

HOTLINE = str(Path(sys.executable).parent / "hotline")
ARGS = ("bench", "chat", "--rate", "5", "--duration", "3", "--saturate", "--step", "200", "--json")
FIGURES = ("msgs_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "deadline_misses")


def test_bench_chat_prints_gateway_baseline_ratio_saturation_and_memory() -> None:
    ensure_model(PROJECT_ROOT / "models")
    result = subprocess.run(
        # Steps of 5 and 205 msg/s: the second cannot hold here, so the search ends there.
        [HOTLINE, *ARGS],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for key in FIGURES:
        assert key in figures and key in figures["baseline"], key
    assert figures["messages"] == 15 and figures["answered"] + figures["errors"] == 15
    assert figures["answered"] > 0 and figures["baseline"]["answered"] > 0
    assert figures["overhead_ratio"] == round(figures["p50_ms"] / figures["baseline"]["p50_ms"], 2)
    steps = figures["saturation_steps"]
    assert [s["offered_msgs_per_s"] for s in steps][:1] == [5.0]
    held = [s["offered_msgs_per_s"] for s in steps if s["held"]]
    assert figures["saturation_msgs_per_s"] == (max(held) if held else 0.0)
    memory = figures["memory_mb"]
    assert memory["peak_total_mb"] > 0 and {"gateway", "postgres", "redis"} <= set(
        memory["by_role"]
    )
    assert any(role.startswith("engine") for role in memory["by_role"])


def test_bench_chat_refuses_a_rate_of_zero_with_a_clear_message() -> None:
    result = subprocess.run(
        [HOTLINE, "bench", "chat", "--rate", "0", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "必须大于 0" in result.stderr
