"""The metrics of `hotline nlu eval`, checked on small cases computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.evaluation import (
    EvaluationDataError,
    Prediction,
    entity_scores,
    evaluate,
    load_jsonl,
    multi_problem_sweep,
    percentile,
    threshold_sweep,
)


def p(gold: str, predicted: str, confidence: float = 0.9, **kwargs: object) -> Prediction:
    return Prediction(
        gold=gold, predicted=predicted, confidence=confidence, latency_ms=5.0, text="x", **kwargs
    )  # type: ignore[arg-type]


def test_accuracy_and_macro_f1_by_hand() -> None:
    # a: 2 gold, 1 right (P=1/1, R=1/2, F1=2/3); b: 1 gold, right (P=1/2, R=1, F1=2/3)
    report = evaluate([p("a", "a"), p("a", "b"), p("b", "b")])
    assert report["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["macro_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["per_intent"]["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    assert report["confused_pairs"] == [{"gold": "a", "predicted": "b", "count": 1}]


def test_fallback_on_out_of_scope_counts_as_right_but_not_on_a_real_question() -> None:
    report = evaluate([p("out_of_scope", "nlu_fallback"), p("maternity_leave", "nlu_fallback")])
    assert report["accuracy"] == 0.5
    assert report["out_of_scope_handled_rate"] == 1.0
    assert report["fallback_rate_in_scope"] == 1.0


def test_latency_percentiles_use_nearest_rank() -> None:
    assert percentile([float(v) for v in range(1, 101)], 50) == 50.0
    assert percentile([float(v) for v in range(1, 101)], 99) == 99.0
    assert percentile([3.0], 99) == 3.0


def test_threshold_sweep_trades_recall_for_out_of_scope() -> None:
    preds = [
        p("a", "a", 0.9, ranking=(("a", 0.9),)),
        p("a", "a", 0.25, ranking=(("a", 0.25),)),
        p("out_of_scope", "a", 0.2, ranking=(("a", 0.2),)),
    ]
    low, high = threshold_sweep(preds, [0.1, 0.3])
    assert (low["in_scope_accuracy"], low["out_of_scope_caught"]) == (1.0, 0.0)
    assert (high["in_scope_accuracy"], high["out_of_scope_caught"]) == (0.5, 1.0)
    assert high["in_scope_fallback_rate"] == 0.5


def test_entity_scores_only_count_annotated_lines() -> None:
    gold = (("city", "济南", None), ("period", "pregnancy", None))
    preds = [
        p(
            "a",
            "a",
            gold_entities=gold,
            entities=(("city", "济南", None), ("period", "nursing", None)),
        ),
        p("a", "a", entities=(("city", "北京", None),)),  # unannotated line: ignored
    ]
    scores = entity_scores(preds)
    assert scores["city"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert scores["period"]["recall"] == 0.0


def test_second_problem_sweep_counts_found_and_false_alarms() -> None:
    domain = frozenset({"a", "b", "c"})
    preds = [
        p("a", "a", also=("b",), ranking=(("a", 0.6),), clauses=(("a", 0.9), ("b", 0.7))),
        p("a", "a", also=("c",), ranking=(("a", 0.9),), clauses=(("a", 0.9), ("c", 0.35))),
        p("a", "a", ranking=(("a", 0.7),), clauses=(("a", 0.8), ("b", 0.45))),
        p("b", "b", ranking=(("b", 0.95),), clauses=()),
    ]
    low, high = multi_problem_sweep(preds, [0.3, 0.5], domain)
    assert (low["second_problem_found"], low["false_second_problem"]) == (1.0, 0.5)
    assert (high["second_problem_found"], high["false_second_problem"]) == (0.5, 0.0)


def test_jsonl_loading_keeps_entities_and_names_the_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps(
            {
                "text": "济南",
                "intent": "inform",
                "entities": [{"entity": "city", "value": "济南"}],
                "extra": 1,
            }
        )
        + "\n\n",
        encoding="utf-8",
    )
    [item] = load_jsonl(good)
    assert item.entities == (("city", "济南", None),)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "intent": "a"}\n{"text": "y"}\n', encoding="utf-8")
    with pytest.raises(EvaluationDataError, match=":2:"):
        load_jsonl(bad)
