"""Intent-classification metrics for ``hotline nlu eval`` (pure Python, no framework).

Why hand-rolled and not scikit-learn: the metrics are a few counts, and the gateway's
virtual environment should not pull a large numerical stack for them.
"""

from __future__ import annotations

import json
import math
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
    entities: tuple[tuple[str, str, str | None], ...] = ()
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prediction:
    gold: str
    predicted: str
    confidence: float
    latency_ms: float
    text: str
    ranking: tuple[tuple[str, float], ...] = ()
    gold_entities: tuple[tuple[str, str, str | None], ...] = ()
    entities: tuple[tuple[str, str, str | None], ...] = ()
    also: tuple[str, ...] = ()
    clauses: tuple[tuple[str, float], ...] = ()


def load_jsonl(path: Path) -> list[LabelledText]:
    """Read ``{"text": ..., "intent": ...}`` lines; other keys are ignored."""
    items: list[LabelledText] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            entities = tuple(
                (str(e["entity"]), str(e["value"]), e.get("role"))
                for e in record.get("entities", [])
            )
            items.append(
                LabelledText(
                    text=str(record["text"]),
                    intent=str(record["intent"]),
                    entities=entities,
                    also=tuple(str(a) for a in record.get("also", [])),
                )
            )
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
    rank = max(1, math.ceil(q / 100 * len(ordered)))
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
        "entities": entity_scores(items),
    }


def entity_scores(predictions: Iterable[Prediction]) -> dict[str, dict[str, float | int]]:
    """Per entity type: precision/recall/F1 of (entity, value, role) on labelled lines.

    Only lines whose gold annotation lists entities are counted, so unannotated lines do
    not turn every extraction into a false positive.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for p in predictions:
        if not p.gold_entities:
            continue
        gold = Counter(p.gold_entities)
        found = Counter(p.entities)
        for key in gold | found:
            hits = min(gold[key], found[key])
            tp[key[0]] += hits
            fp[key[0]] += found[key] - hits
            fn[key[0]] += gold[key] - hits
    scores: dict[str, dict[str, float | int]] = {}
    for name in sorted(set(tp) | set(fp) | set(fn)):
        precision = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else 0.0
        recall = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[name] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp[name] + fn[name],
        }
    return scores


def _raw_top(p: Prediction) -> tuple[str, float]:
    """The classifier's own best intent, before any FallbackClassifier replaced it."""
    for name, confidence in p.ranking:
        if name != FALLBACK_INTENT:
            return name, confidence
    return p.predicted, p.confidence


def threshold_sweep(
    predictions: Sequence[Prediction], thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """What a FallbackClassifier threshold would do: in-scope accuracy vs out-of-scope caught.

    A prediction below the threshold becomes a fallback. Run on predictions made with a
    low threshold, this shows the trade-off the production threshold is chosen from.
    """
    rows = []
    in_scope = [p for p in predictions if p.gold != OUT_OF_SCOPE]
    out_scope = [p for p in predictions if p.gold == OUT_OF_SCOPE]
    for t in thresholds:

        def outcome(p: Prediction, t: float = t) -> str:
            intent, confidence = _raw_top(p)
            return FALLBACK_INTENT if confidence < t else intent

        correct_in = sum(1 for p in in_scope if outcome(p) == p.gold)
        fallback_in = sum(1 for p in in_scope if outcome(p) == FALLBACK_INTENT)
        caught = sum(1 for p in out_scope if outcome(p) in (OUT_OF_SCOPE, FALLBACK_INTENT))
        rows.append(
            {
                "threshold": t,
                "in_scope_accuracy": round(correct_in / len(in_scope), 4) if in_scope else 0.0,
                "in_scope_fallback_rate": round(fallback_in / len(in_scope), 4)
                if in_scope
                else 0.0,
                "out_of_scope_caught": round(caught / len(out_scope), 4) if out_scope else 0.0,
            }
        )
    return rows


def _second_candidates(p: Prediction, threshold: float, domain: frozenset[str]) -> set[str]:
    """Domain intents of the message's clauses, other than the main one, at ``threshold``+."""
    main, _ = _raw_top(p)
    return {
        name
        for name, confidence in p.clauses
        if name != main and name in domain and confidence >= threshold
    }


def multi_problem_sweep(
    predictions: Sequence[Prediction], thresholds: Sequence[float], domain: frozenset[str]
) -> list[dict[str, float | int]]:
    """For a clause-confidence threshold: how often a real second problem is found (lines
    with ``also``) and how often a false one is raised on single-problem, in-scope lines."""
    multi = [p for p in predictions if p.also]
    single = [p for p in predictions if not p.also and p.gold in domain]
    rows: list[dict[str, float | int]] = []
    for t in thresholds:
        found = sum(
            1 for p in multi if set(p.also) & (_second_candidates(p, t, domain) | {_raw_top(p)[0]})
        )
        false = sum(1 for p in single if _second_candidates(p, t, domain))
        rows.append(
            {
                "threshold": t,
                "n_multi": len(multi),
                "second_problem_found": round(found / len(multi), 4) if multi else 0.0,
                "n_single": len(single),
                "false_second_problem": round(false / len(single), 4) if single else 0.0,
            }
        )
    return rows
