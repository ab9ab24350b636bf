"""What the assistant says when a walkthrough starts (or takes up a second topic).

First the short answer to her question, with its citations, so that she learns the gist at
once; then why a few questions follow and how to steer (为什么要问这个, 上一步, 重新开始).
Empathy comes first where the answer has a caring opening (dismissal, pay cuts).

Pure Python: no Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.actions import case as C
from flows.actions import questions as Q
from flows.actions.case import Case
from flows.actions.message import Message
from flows.actions.reading import read
from flows.actions.replies import Button, Say
from flows.actions.words import dismissal_status_in, employer_action_in
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.models import Period, SegmentKind
from knowledge.regions import resolve_province
from knowledge.render import render_answer

__all__ = ["INTRO", "Start", "begin", "opening"]

INTRO = (
    "为了按您的情况把日期和待遇算清楚，我再问您几个简单的问题，一次问一个。"
    "随时可以说“为什么要问这个”“上一步”或者“重新开始”。"
)
#: A second problem in the same message that needs care before anything else.
CARE_INTENTS = frozenset({"emotional_support", "sexual_harassment", "hiring_discrimination"})
CONTINUING = "这个问题我也记下了，问完后和您刚才问的一起，按您的情况说明。"


#: The employer's action told in words, and the three-period question it amounts to
#: (for a message the engine took for a bare answer: "宝宝5月出生，单位不给哺乳时间").
ACTION_TOPICS = {
    "dismissal": "dismissal",
    "pay_cut": "pay_cut",
    "job_change": "job_change",
    "checkup_denied": "checkup",
    "nursing_denied": "nursing",
    "leave_denied": "leave",
}
TOPIC_INTENTS = {topic: intent for intent, topic in C.INTENT_TOPICS.items()}


@dataclass(frozen=True)
class Start:
    """How a walkthrough starts: the slots to set, the question answered in short, and a
    second problem of the same message to offer."""

    updates: dict[str, Any]
    intent: str
    other: str | None
    understood: bool = True  # False: a "bare answer" that says nothing the walkthrough uses


def _province(value: Any) -> str | None:
    if not value:
        return None
    try:
        return resolve_province(str(value))
    except KnowledgeError:
        return None


def begin(case: Case, message: Message, *, active: bool, other: str | None, today: date) -> Start:
    """The facts of her first message (kept with what she said before), her topics, the
    employer's action and her period.

    Why keep earlier facts: a returning worker (same channel account) is asked only what
    is still missing; the review shows them all, so an outdated one is easy to correct.
    """
    intent = message.intent or ""
    topic = C.INTENT_TOPICS.get(intent)
    action = C.TOPIC_ACTIONS.get(topic or "") or employer_action_in(message, case.period)
    if topic is None and action in ACTION_TOPICS:
        topic = ACTION_TOPICS[action]
        intent = TOPIC_INTENTS[topic]
    updates: dict[str, Any] = {}
    province = _province(case.get(C.PROVINCE))
    if province != case.get(C.PROVINCE):
        updates[C.PROVINCE] = province
    # read with the action known, so that a date of dismissal is taken as one
    known = case.with_values({C.EMPLOYER_ACTION: action}) if action else case
    reading = read(message, requested=None, case=known, today=today)
    updates.update(reading.updates)
    if reading.estimates:
        updates[C.ESTIMATES] = sorted({*case.estimates, *reading.estimates})
    topics = case.topics if active else []
    for new in (topic, C.INTENT_TOPICS.get(other or "")):
        if new and new not in topics:
            topics = [*topics, new]
    updates[C.TOPICS] = topics
    if not active:
        updates.update(
            {C.CONFIRMED: None, C.FIX: None, C.FAILURES: 0, C.HISTORY: [], C.STAGE: "active"}
        )
    if action and (not active or case.employer_action in (None, "none")):
        updates[C.EMPLOYER_ACTION] = action
        status = dismissal_status_in(message) if action == "dismissal" else None
        if status:
            updates[C.DISMISSAL_STATUS] = status
    elif not active:
        # a question about her rights (leave, allowance …) states no action; with no
        # topic at all, what the employer did is one of the questions
        updates[C.EMPLOYER_ACTION] = "none" if topic else None
    after = case.with_values(updates)
    period = C.infer_period(after, topic, today=today)
    if period != case.get(C.PERIOD):
        updates[C.PERIOD] = period  # "三期" (all) names no one period: it is asked
    if topic is None and not reading.updates and not active:
        # "zzzz" taken for a bare answer: no walkthrough for nothing
        return Start({C.STAGE: None}, intent, None, understood=False)
    return Start(updates, intent, other if other not in C.INTENT_TOPICS else None)


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
    if other in CARE_INTENTS:
        care_first = _care(other, case.period)
        if care_first:
            # distress in the same message comes first: it is acknowledged before any question
            messages.insert(
                0,
                Say(
                    f"{care_first}如果您想先和人聊聊，可以随时说“转人工”，也可以拨打12338妇女维权热线。",
                    buttons=(Button("转人工", "/human_handoff"),),
                ),
            )
    elif other:
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
