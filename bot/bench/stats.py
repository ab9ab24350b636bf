"""Latency and throughput figures of one benchmark run."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RunFigures", "percentile"]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


@dataclass
class RunFigures:
    """What one open-loop run measured; latencies in seconds from each message's due time.

    Why from the due time and not the send time: in an open loop a message that the load
    generator sends late has waited all the same; measuring from the send would hide it
    (coordinated omission).
    """

    offered_rate: float
    duration_s: float
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    deadline_misses: int = 0
    holding_replies: int = 0
    degraded_replies: int = 0
    elapsed_s: float = 0.0
    cpu_ms_per_msg: dict[str, float] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    @property
    def sent(self) -> int:
        return len(self.latencies_s) + self.errors

    def to_dict(self) -> dict[str, Any]:
        answered = len(self.latencies_s)
        ms = [x * 1000 for x in self.latencies_s]
        return {
            "offered_msgs_per_s": self.offered_rate,
            "duration_s": round(self.duration_s, 1),
            "messages": self.sent,
            "answered": answered,
            "msgs_per_s": round(answered / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "p50_ms": round(percentile(ms, 0.50), 1),
            "p95_ms": round(percentile(ms, 0.95), 1),
            "p99_ms": round(percentile(ms, 0.99), 1),
            "max_ms": round(max(ms), 1) if ms else 0.0,
            "errors": self.errors,
            "error_kinds": dict(sorted(self.error_kinds.items())),
            "deadline_misses": self.deadline_misses,
            "holding_replies": self.holding_replies,
            "degraded_replies": self.degraded_replies,
            "cpu_ms_per_msg": self.cpu_ms_per_msg,
        }
