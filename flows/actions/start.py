"""What the assistant says when a walkthrough starts (or takes up a second topic).

First the short answer to her question, with its citations, so that she learns the gist at
once; then why a few questions follow and how to steer (为什么要问这个, 上一步, 重新开始).
Empathy comes first where the answer has a caring opening (dismissal, pay cuts).

Pure Python: no Rasa.
"""

from __future__ import annotations

from flows.actions import questions as Q
from flows.actions.case import Case
from flows.actions.replies import Button, Say
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.models import Period, SegmentKind
from knowledge.render import render_answer

__all__ = ["INTRO", "opening"]

INTRO = (
    "为了按您的情况把日期和待遇算清楚，我再问您几个简单的问题，一次问一个。"
    "随时可以说“为什么要问这个”“上一步”或者“重新开始”。"
)
CONTINUING = "这个问题我也记下了，问完后和您刚才问的一起，按您的情况说明。"


def _care(intent: str, period: str | None) -> str:
    answer = load_knowledge().answers.get(intent)
    if answer is None:
        return ""
    variant = answer.variant(Period(period) if period else None)
    care = [s.text.strip() for s in variant.segments if s.kind == SegmentKind.care]
    return care[0] if care else ""


def _known(case: Case) -> str:
    """ "您已经告诉我：……" — so she sees she was understood, and what will not be asked."""
    line = Q.facts_line(case)
    return f"您已经告诉我：{line}。" if line else ""


def opening(intent: str, case: Case, *, continuing: bool, other: str | None = None) -> list[Say]:
    """The messages that open a walkthrough for ``intent`` (``other``: a second problem
    in the same message that is not a walkthrough topic, offered as a button)."""
    try:
        answer = render_answer(intent, case.period)
    except KnowledgeError:
        answer = None
    parts = []
    care = "" if continuing else _care(intent, case.period)
    if care:
        parts.append(care)
    if answer is not None:
        parts.append(f"先简单说结论：{answer.short}")
    if continuing:
        parts.append(CONTINUING)
    else:
        known = _known(case)
        parts.append(INTRO + (f"\n{known}" if known else ""))
    messages = [
        Say(
            "\n".join(parts),
            tuple(answer.short_citations) if answer else (),
        )
    ]
    if other:
        try:
            extra = render_answer(other, case.period)
        except KnowledgeError:
            return messages
        messages.append(
            Say(
                f"您还提到了“{extra.title}”：{extra.short}",
                tuple(extra.short_citations),
                (Button(f"详细说说：{extra.title}", f"/{other}"),),
            )
        )
    return messages
