"""The NLU training data: every intent of the taxonomy, enough examples, whole-word spans."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from knowledge.check import DOMAIN_INTENTS
from nlu.tools import check_alignment

DATA = PROJECT_ROOT / "nlu" / "data"
CONTROL = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "restart",
    "human_handoff",
    "bot_challenge",
    "inform",
    "out_of_scope",
)


def _counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in DATA.glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] += sum(
                    1
                    for line in str(block["examples"]).splitlines()
                    if line.strip().startswith("- ")
                )
    return counts


def test_every_domain_intent_has_at_least_60_examples() -> None:
    counts = _counts()
    assert {i: counts[i] for i in DOMAIN_INTENTS if counts[i] < 60} == {}


def test_every_conversation_control_intent_is_trained() -> None:
    counts = _counts()
    assert {i: counts[i] for i in CONTROL if counts[i] < 20} == {}


def test_one_file_per_intent_named_for_it() -> None:
    for path in DATA.glob("*.yml"):
        intents = {
            b["intent"]
            for b in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
            if "intent" in b
        }
        assert intents == {path.stem}, path.name


def test_every_entity_span_falls_on_jieba_word_boundaries() -> None:
    assert check_alignment.main([]) == 0


@pytest.mark.parametrize(
    ("annotated", "complaint"),
    [
        pytest.param("我在[济](city)南工作", "not whole words", id="half-a-word"),
        pytest.param(
            '[哺乳期]{"entity": "period", "value": "breastfeeding"}', "not in", id="bad-value"
        ),
        pytest.param('[去年3月]{"entity": "date"}生的', "has no role", id="date-without-role"),
    ],
)
def test_alignment_check_reports_bad_annotations(annotated: str, complaint: str) -> None:
    check_alignment.load_dictionaries()
    assert any(complaint in problem for problem in check_alignment.problems(annotated))


def test_test_set_is_never_trained_on() -> None:
    training = set()
    for path in DATA.glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                plain = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                training.add(plain.strip())
    import json

    overlaps = []
    for name in ("test_set.jsonl", "out_of_scope.jsonl", "multi_problem.jsonl"):
        for line in (
            (PROJECT_ROOT / "nlu" / "testset" / name).read_text(encoding="utf-8").splitlines()
        ):
            if line.strip():
                text = json.loads(line)["text"]
                if text in training:
                    overlaps.append(text)
    assert overlaps == []
