"""Render an answer for a worker: plain text with its citations, ready for any channel.

Why here and not in the action: what a worker reads (order of segments, where the legal
basis is shown) is part of the legal knowledge, and must be testable without Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.citations import cite
from knowledge.errors import KnowledgeError
from knowledge.loader import KnowledgeBase, load_knowledge
from knowledge.models import Period, SegmentKind

__all__ = ["RenderedAnswer", "UnknownAnswerError", "render_answer"]


class UnknownAnswerError(KnowledgeError, LookupError):
    """No answer is stored for this intent."""


@dataclass(frozen=True)
class RenderedAnswer:
    intent: str
    title: str
    text: str
    short: str
    citations: list[str]
    citation_ids: list[str]
    short_citations: list[str]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def render_answer(
    intent: str, period: Period | str | None = None, base: KnowledgeBase | None = None
) -> RenderedAnswer:
    """The answer to ``intent`` for ``period`` (or the default variant).

    Each segment that states a rule ends with its legal basis in 〔依据：…〕, so the worker
    sees which article supports which sentence, not just a list at the end.
    """
    knowledge = base or load_knowledge()
    answer = knowledge.answers.get(intent)
    if answer is None:
        raise UnknownAnswerError(intent)
    wanted = Period(period) if period else None
    variant = answer.variant(wanted)
    paragraphs: list[str] = []
    ids: list[str] = []
    for segment in variant.segments:
        text = segment.text.strip()
        if segment.cites and segment.kind in (SegmentKind.law, SegmentKind.meaning):
            labels = "、".join(cite(c, knowledge) for c in segment.cites)
            text = f"{text}〔依据：{labels}〕"
        paragraphs.append(text)
        ids.extend(segment.cites)
    ids.extend(variant.short_cites)
    citation_ids = _unique(ids)
    return RenderedAnswer(
        intent=intent,
        title=answer.title,
        text="\n\n".join(paragraphs),
        short=variant.short,
        citations=[cite(c, knowledge) for c in citation_ids],
        citation_ids=citation_ids,
        short_citations=[cite(c, knowledge) for c in _unique(list(variant.short_cites))],
    )
