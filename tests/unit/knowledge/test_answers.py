"""The shipped answer texts: one per domain intent, each valid, cited and readable aloud."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.check import DOMAIN_INTENTS
from knowledge.loader import DATA_DIR, KnowledgeBase, load_from
from knowledge.models import Answer, Period, SegmentKind, Verification

ANSWER_DIR = DATA_DIR / "answers"
ANSWER_FILES = sorted(ANSWER_DIR.glob("*.yml"))

# Answers that open with empathy before any rule (a worker in distress reads them).
CARE_FIRST = (
    "three_period_dismissal",
    "unlawful_termination",
    "sexual_harassment",
    "hiring_discrimination",
    "emotional_support",
)
# Answers whose rules differ by period and so carry a variant for each.
PER_PERIOD = ("three_period_dismissal", "three_period_pay_cut", "three_period_job_change")
# Reading order inside a variant: care, then the law, what it means, what to do next.
ORDER = {SegmentKind.care: 0, SegmentKind.law: 1, SegmentKind.meaning: 2, SegmentKind.next_step: 3}
# What a segment citing an unconfirmed text must say, in some form, so the worker knows.
UNCHECKED_WORDING = "未能与官方文本核对"


def _load(path: Path) -> Answer:
    with path.open(encoding="utf-8") as handle:
        return Answer.model_validate(yaml.safe_load(handle))


@pytest.fixture(scope="module")
def answers() -> dict[str, Answer]:
    return load_from(DATA_DIR).answers


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_answer_file_loads_and_is_named_for_its_intent(path: Path) -> None:
    assert _load(path).intent == path.stem


def test_every_domain_intent_has_exactly_one_answer(answers: dict[str, Answer]) -> None:
    assert sorted(answers) == sorted(DOMAIN_INTENTS)
    assert len(DOMAIN_INTENTS) == 29


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_every_law_and_meaning_segment_cites(path: Path) -> None:
    for variant in _load(path).variants:
        for segment in variant.segments:
            if segment.kind in (SegmentKind.law, SegmentKind.meaning):
                assert segment.cites, segment.text


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_short_fits_and_is_cited(path: Path) -> None:
    for variant in _load(path).variants:
        assert 4 <= len(variant.short) <= 120, variant.short
        assert variant.short_cites


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_segments_read_care_law_meaning_next_step(path: Path) -> None:
    for variant in _load(path).variants:
        ranks = [ORDER[segment.kind] for segment in variant.segments]
        assert ranks == sorted(ranks), f"{path.stem}[{variant.period}] out of order"
        assert variant.segments[-1].kind is SegmentKind.next_step


@pytest.mark.parametrize("intent", CARE_FIRST)
def test_distressing_answers_open_with_care(answers: dict[str, Answer], intent: str) -> None:
    for variant in answers[intent].variants:
        assert variant.segments[0].kind is SegmentKind.care
        assert not variant.segments[0].cites


@pytest.mark.parametrize("intent", PER_PERIOD)
def test_three_period_answers_have_a_variant_per_period(
    answers: dict[str, Answer], intent: str
) -> None:
    periods = {variant.period for variant in answers[intent].variants}
    assert periods == {None, Period.pregnancy, Period.maternity, Period.nursing}


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_answers_never_claim_to_be_a_lawyer(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for claim in ("我是律师", "作为律师", "我作为您的律师"):
        assert claim not in text


def _unconfirmed(knowledge: KnowledgeBase, provision_id: str) -> bool:
    provision = knowledge.provision(provision_id)
    verification = provision.verification or knowledge.law_of(provision_id).verification
    return verification is Verification.unconfirmed


def test_segments_citing_unconfirmed_texts_say_so() -> None:
    knowledge = load_from(DATA_DIR)
    for answer in knowledge.answers.values():
        for variant in answer.variants:
            for segment in variant.segments:
                if any(_unconfirmed(knowledge, pid) for pid in segment.cites):
                    assert UNCHECKED_WORDING in segment.text, (answer.intent, segment.text)
            if any(_unconfirmed(knowledge, pid) for pid in variant.short_cites):
                assert UNCHECKED_WORDING in variant.short, (answer.intent, variant.short)
