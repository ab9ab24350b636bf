"""BM25 retrieval over provisions and answers, on a small fixture knowledge base."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import KnowledgeBase
from knowledge.models import Answer, Law, Provision
from knowledge.retrieval import _index_for, search, tokenize


def _law(law_id: str, short: str) -> Law:
    return Law(
        id=law_id,
        name=f"中华人民共和国{short}",
        short_name=short,
        kind="law",
        issuer="全国人民代表大会常务委员会",
        version="测试版本",
        effective_date=date(2013, 7, 1),
        revision_year=2012,
        sources=[{"title": "fixture", "url": "https://example.invalid"}],
        verification="primary_text",
    )


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    provisions = [
        Provision(
            id="lcl:42",
            article=42,
            text="女职工在孕期、产期、哺乳期的，用人单位不得依照本法第四十条、第四十一条的规定解除劳动合同。",
            summary="三期内单位不得以不胜任、客观情况变化或裁员为由辞退。",
            topics=["dismissal"],
        ),
        Provision(
            id="wpr:7",
            article=7,
            text="女职工生育享受98天产假，其中产前可以休假15天；难产的，增加产假15天。",
            summary="产假98天，难产加15天。",
            topics=["maternity_leave"],
        ),
        Provision(
            id="wpr:9",
            article=9,
            text="用人单位应当在每天的劳动时间内为哺乳期女职工安排1小时哺乳时间。",
            summary="每天1小时哺乳时间。",
            topics=["nursing"],
        ),
    ]
    answers = [
        Answer.model_validate(
            {
                "intent": "nursing_time",
                "title": "哺乳时间",
                "variants": [
                    {
                        "segments": [
                            {"kind": "law", "text": "每天有1小时哺乳时间。", "cites": ["wpr:9"]},
                            {"kind": "next_step", "text": "可以和单位商量具体时间段。"},
                        ],
                        "short": "每天有1小时哺乳时间。",
                        "short_cites": ["wpr:9"],
                    }
                ],
            }
        ),
        Answer.model_validate(
            {
                "intent": "three_period_dismissal",
                "title": "三期被辞退",
                "variants": [
                    {
                        "segments": [
                            {
                                "kind": "law",
                                "text": "三期内单位不得随意辞退您。",
                                "cites": ["lcl:42"],
                            },
                            {"kind": "next_step", "text": "保存辞退通知，申请劳动仲裁。"},
                        ],
                        "short": "三期内单位不得随意辞退您。",
                        "short_cites": ["lcl:42"],
                    }
                ],
            }
        ),
    ]
    return KnowledgeBase(
        laws={"lcl": _law("lcl", "劳动合同法"), "wpr": _law("wpr", "女职工劳动保护特别规定")},
        provisions={p.id: p for p in provisions},
        answers={a.intent: a for a in answers},
    )


@pytest.mark.parametrize(
    ("question", "kind", "best"),
    [
        pytest.param("怀孕了被公司辞退怎么办", "provision", "lcl:42", id="dismissal-provision"),
        pytest.param(
            "怀孕了被公司辞退怎么办", "answer", "three_period_dismissal", id="dismissal-answer"
        ),
        pytest.param("产假有多少天？难产呢", "provision", "wpr:7", id="maternity-days"),
        pytest.param("每天喂奶的哺乳时间有多久", None, "nursing_time", id="nursing-any-kind"),
    ],
)
def test_best_hit(question: str, kind: str | None, best: str, base: KnowledgeBase) -> None:
    hits = search(question, kind=kind, base=base)  # type: ignore[arg-type]
    assert hits, question
    assert hits[0].id == best
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(hit.score > 0 for hit in hits)


def test_intent_boost_brings_its_answer_and_provisions_first(base: KnowledgeBase) -> None:
    hits = search("单位不让我休息", intent="nursing_time", base=base)
    assert hits[0].id == "nursing_time"


def test_intent_answer_is_returned_even_without_matching_words(base: KnowledgeBase) -> None:
    hits = search("你好", intent="three_period_dismissal", base=base)
    assert [hit.id for hit in hits] == ["three_period_dismissal"]


def test_limit_and_empty_question(base: KnowledgeBase) -> None:
    assert len(search("女职工 产假 哺乳 辞退", limit=2, base=base)) == 2
    assert search("？！。", base=base) == []
    assert search("产假", limit=0, base=base) == []


def test_index_is_built_once(base: KnowledgeBase) -> None:
    assert _index_for(base) is _index_for(base)


def test_tokenize_drops_punctuation_and_stop_words() -> None:
    tokens = tokenize("我怀孕了，公司要辞退我吗？")
    assert "怀孕" in tokens and "辞退" in tokens
    assert "，" not in tokens and "吗" not in tokens and "我" not in tokens


def test_shipped_knowledge_base_is_searchable() -> None:
    hits = search("怀孕被辞退")
    assert hits and all(hit.kind in ("provision", "answer") for hit in hits)
