"""Intent-classification metrics for ``hotline nlu eval`` (pure Python, no framework).

Why hand-rolled and not scikit-learn: the metrics are a few counts, and the gateway's
virtual environment should not pull a large numerical stack for them.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "FALLBACK_INTENT",
    "LabelledText",
    "Prediction",
    "evaluate",
    "load_jsonl",
    "percentile",
]

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


class EvaluationDataError(ValueError):
    """The evaluation file is malformed (the message names the line)."""


@dataclass(frozen=True)
class LabelledText:
    text: str
    intent: str


@dataclass(frozen=True)
class Prediction:
    gold: str
    predicted: str
    confidence: float
    latency_ms: float
    text: str


def load_jsonl(path: Path) -> list[LabelledText]:
    """Read ``{"text": ..., "intent": ...}`` lines; other keys are ignored."""
    items: list[LabelledText] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            items.append(LabelledText(text=str(record["text"]), intent=str(record["intent"])))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise EvaluationDataError(f"{path}:{number}: {error}") from error
    if not items:
        raise EvaluationDataError(f"{path}: no examples")
    return items


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, round(q / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def _effective(prediction: Prediction) -> str:
    """A fallback on an out-of-scope message is the right outcome: both give the fallback."""
    if prediction.gold == OUT_OF_SCOPE and prediction.predicted == FALLBACK_INTENT:
        return OUT_OF_SCOPE
    return prediction.predicted


def evaluate(predictions: Iterable[Prediction]) -> dict[str, Any]:
    """Accuracy, macro-F1 over gold intents, per-intent P/R/F1, confusions, latency."""
    items = list(predictions)
    if not items:
        raise ValueError("no predictions to evaluate")
    gold_labels = sorted({p.gold for p in items})
    true_pos: Counter[str] = Counter()
    pred_count: Counter[str] = Counter()
    gold_count: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    for p in items:
        predicted = _effective(p)
        gold_count[p.gold] += 1
        pred_count[predicted] += 1
        if predicted == p.gold:
            true_pos[p.gold] += 1
        else:
            confusions[(p.gold, predicted)] += 1
    per_intent: dict[str, dict[str, float | int]] = {}
    for label in gold_labels:
        precision = true_pos[label] / pred_count[label] if pred_count[label] else 0.0
        recall = true_pos[label] / gold_count[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": gold_count[label],
        }
    latencies = [p.latency_ms for p in items]
    fallbacks = sum(1 for p in items if p.predicted == FALLBACK_INTENT)
    in_scope = [p for p in items if p.gold != OUT_OF_SCOPE]
    out_scope = [p for p in items if p.gold == OUT_OF_SCOPE]
    return {
        "n": len(items),
        "accuracy": round(sum(true_pos.values()) / len(items), 4),
        "macro_f1": round(statistics.fmean(v["f1"] for v in per_intent.values()), 4),
        "per_intent": per_intent,
        "confused_pairs": [
            {"gold": g, "predicted": pr, "count": c} for (g, pr), c in confusions.most_common(15)
        ],
        "fallback_rate": round(fallbacks / len(items), 4),
        "fallback_rate_in_scope": round(
            sum(1 for p in in_scope if p.predicted == FALLBACK_INTENT) / len(in_scope), 4
        )
        if in_scope
        else None,
        "out_of_scope_handled_rate": round(
            sum(1 for p in out_scope if _effective(p) == OUT_OF_SCOPE) / len(out_scope), 4
        )
        if out_scope
        else None,
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
    }
