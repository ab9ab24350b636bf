"""One step of the walkthrough: given her case and her message, what changes and what next.

This is the decision the form's validation action makes on every turn, kept free of Rasa so
that each repair can be tested directly:

- an answer fills the question just asked (and any other fact she volunteers);
- a fact that differs from what she said before is a correction, and is acknowledged;
- 上一步 (``go_back``) empties the last answer and asks it again; a button "改省份" empties
  that one;
- 为什么要问这个 (``ask_why``) explains, then asks again;
- an unrelated question is handed back to the rules (``reject``), which answer it and
  return to the walkthrough;
- two answers in a row that cannot be understood hand the conversation to a person;
- "不算了" ends the walkthrough, keeping what she said;
- nothing is computed before she confirms the review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.actions import case as C
from flows.actions import questions as Q
from flows.actions.case import Case
from flows.actions.reading import Message, Reading, read
from flows.actions.replies import Say
from knowledge.check import DOMAIN_INTENTS

__all__ = [
    "FAILURES_BEFORE_HANDOFF",
    "HANDOFF_TEXT",
    "INTERRUPTIONS",
    "Progress",
    "advance",
    "resume",
]

FAILURES_BEFORE_HANDOFF = 2
#: 上一步 / 为什么 are taken at their word below this confidence only when the words say so.
REPAIR_CONFIDENCE = 0.6
GO_BACK_WORDS = re.compile(r"上一|返回|退回|回到|后退|回退|撤回|撤销|退一步|back", re.IGNORECASE)
WHY_WORDS = re.compile(r"为什么|为啥|為什麼|干嘛|干什么|幹嘛|什么用|有啥用|why", re.IGNORECASE)
#: Intents that, when they answer nothing, are a different question or a remark: the rules
#: answer them and the form asks its question again.
INTERRUPTIONS = frozenset(DOMAIN_INTENTS) | {
    "greet",
    "goodbye",
    "thanks",
    "bot_challenge",
    "out_of_scope",
    "human_handoff",
}
#: Below this confidence a "question" that answers nothing is treated as a misunderstanding.
INTERRUPTION_CONFIDENCE = 0.5
HANDOFF_TEXT = (
    "抱歉，我两次都没能看明白您的回答。我来为您转接人工服务，工作人员会接着帮您；"
    "您刚才告诉我的情况我都记下了。"
)
STOP_TEXT = (
    "好的，先不算了。您告诉我的情况我都记下了，下次想继续，直接再问我就行，不用从头说。"
    "也可以随时说“转人工”。"
)


@dataclass(frozen=True)
class Progress:
    """What the form does after one message."""

    updates: dict[str, Any] = field(default_factory=dict)
    requested: str | None = None
    messages: list[Say] = field(default_factory=list)
    reject: bool = False  # not an answer: let the rules handle the message
    finish: bool = False  # end the form (confirmed, stopped or handed over)


def _next(case: Case, updates: dict[str, Any], messages: list[Say], prefix: str = "") -> Progress:
    """Ask the next question of ``case`` (already updated), or finish when confirmed."""
    key = case.next_question()
    if key is None:
        return Progress(updates, None, messages, finish=True)
    return Progress(updates, key, [*messages, Q.ask(key, case, prefix=prefix)])


def resume(case: Case, *, prefix: str = "") -> Progress:
    """Back in the form without a new answer: at the start, or after another question
    (``prefix`` then says the walkthrough goes on: "回到刚才的问题：")."""
    return _next(case, {C.FAILURES: case.failures}, [], prefix=prefix)


def _changes(before: Case, reading: Reading) -> dict[str, Any]:
    return {k: v for k, v in reading.updates.items() if before.get(k) != v}


def _acknowledge(
    before: Case, after: Case, changes: Mapping[str, Any], asked: str | None
) -> list[Say]:
    """ "好的，已把省份改为湖北省" for corrections; facts she volunteered are noted too."""
    corrected, noted = [], []
    for key in changes:
        if key not in Q.FIELD_LABELS and key != C.DUE_DATE:
            continue
        label = "预产期" if key == C.DUE_DATE else Q.FIELD_LABELS[key]
        shown = Q.display(key, after)
        if before.get(key) not in (None, "") and before.get(key) != C.UNKNOWN:
            corrected.append(f"{label}改为{shown}")
        elif (
            key != asked
            and not (asked == C.PREGNANCY_WEEKS and key == C.DUE_DATE)
            and not (asked == C.BIRTH_DATE and key == C.DUE_DATE)
        ):
            noted.append(f"{label}：{shown}")
    lines = []
    if corrected:
        lines.append("好的，已把" + "，".join(corrected) + "。")
    if noted:
        lines.append("记下了，" + "；".join(noted) + "。")
    return [Say("".join(lines))] if lines else []


def _means(message: Message, intent: str, words: re.Pattern[str]) -> bool:
    """A repair intent, when the classifier is sure or her words say so ("一个" is not 上一步)."""
    if message.intent != intent:
        return False
    return (
        message.confidence >= REPAIR_CONFIDENCE
        or bool(words.search(message.text))
        or message.entity("case_field") is not None
    )


def _is_interruption(message: Message) -> bool:
    return (
        message.intent in INTERRUPTIONS and message.confidence >= INTERRUPTION_CONFIDENCE
    ) or message.intent == "human_handoff"


def advance(
    case: Case, message: Message, *, requested: str | None, before: Mapping[str, Any], today: date
) -> Progress:
    """The step for a new message. ``case`` holds the slots now; ``before`` the values the
    shared, engine-filled slots (period, province) had before this message."""
    prior = case.with_values(before)
    if _means(message, "go_back", GO_BACK_WORDS):
        return _go_back(prior, message, requested)
    if _means(message, "ask_why", WHY_WORDS):
        return Progress(
            {C.FAILURES: 0},
            requested,
            [Q.why(requested, prior), Q.ask(requested, prior)]
            if requested
            else [Q.why(None, prior)],
        )
    reading = read(message, requested=requested, case=prior, today=today)
    changes = _changes(prior, reading)
    # The engine fills period and province from any message ("三期" sets period to "all"):
    # a value the walkthrough could not use is put back as it was.
    restore = {
        key: value
        for key, value in before.items()
        if case.get(key) != value and key not in reading.updates
    }
    if reading.field_to_fix:
        return _go_back(prior, message, requested, field=reading.field_to_fix)
    answered = reading.answered or (
        requested in (C.CONFIRMED, C.FIX) and reading.confirmed is not None
    )
    if _is_interruption(message) and not answered and not changes:
        return Progress(restore, reject=True)
    if reading.stop:
        return Progress({C.FAILURES: 0, C.STAGE: None}, None, [Say(STOP_TEXT)], finish=True)
    if requested == C.FIX and message.intent == "affirm" and not changes:
        reading.confirmed = True
        requested = C.CONFIRMED
    if requested == C.CONFIRMED and reading.confirmed and not changes:
        return Progress({C.CONFIRMED: True, C.FAILURES: 0, C.FIX: None}, None, [], finish=True)
    if requested == C.CONFIRMED and reading.confirmed is False and not changes:
        fixing: dict[str, Any] = {C.FIX: C.FIX_PENDING, C.FAILURES: 0}
        return _next(prior.with_values(fixing), fixing, [])
    unknown = reading.unknown and requested is not None and Q.question(requested, prior).unknown_ok
    if not changes and not reading.answered and not unknown:
        if reading.unknown and reading.problem is None:
            reading.problem = "这一项要知道了才能帮您算。"
        failed = _failed(prior, requested, reading)
        return Progress(
            {**restore, **failed.updates}, failed.requested, failed.messages, finish=failed.finish
        )
    updates: dict[str, Any] = {**restore, **changes, C.FAILURES: 0}
    if unknown and requested is not None:
        updates[requested] = C.UNKNOWN
    if reading.estimates:
        updates[C.ESTIMATES] = sorted({*prior.estimates, *reading.estimates})
    elif changes:
        kept = [e for e in prior.estimates if e not in changes]
        if kept != prior.estimates:
            updates[C.ESTIMATES] = kept
    if requested not in (None, C.CONFIRMED, C.FIX) and (reading.answered or unknown):
        updates[C.HISTORY] = [*prior.history, requested]
    if message.intent in C.INTENT_TOPICS and C.INTENT_TOPICS[message.intent] not in prior.topics:
        updates[C.TOPICS] = [*prior.topics, C.INTENT_TOPICS[message.intent]]
    if requested in (C.CONFIRMED, C.FIX):
        updates[C.FIX] = None
    after = prior.with_values(updates)
    acks = _acknowledge(prior, after, changes, requested)
    return _next(after, updates, acks)


def _failed(case: Case, requested: str | None, reading: Reading) -> Progress:
    """An answer that could not be understood: explain how to answer, or hand over."""
    failures = case.failures + 1
    if failures >= FAILURES_BEFORE_HANDOFF:
        return Progress(
            {C.FAILURES: 0, C.STAGE: None},
            None,
            [Say(HANDOFF_TEXT, handoff="fallback")],
            finish=True,
        )
    if requested is None:
        return _next(case, {C.FAILURES: failures}, [])
    q = Q.question(requested, case)
    problem = reading.problem or "这个回答我没看明白。"
    prefix = f"抱歉，{problem}{q.hint}\n"
    if requested == C.CONFIRMED:
        return Progress({C.FAILURES: failures}, requested, [Q.ask(requested, case, prefix=prefix)])
    return Progress({C.FAILURES: failures}, requested, [Say(prefix + q.text, buttons=q.buttons)])


def _go_back(
    case: Case, message: Message, requested: str | None, *, field: str | None = None
) -> Progress:
    """上一步: empty the last answer (or the one she picked) and ask for it again."""
    wanted = field or message.entity("case_field")
    history = case.history
    if wanted not in C.ANSWER_SLOTS:
        wanted = None
    if wanted == C.DUE_DATE:
        wanted = C.PREGNANCY_WEEKS if case.period == "pregnancy" else C.BIRTH_DATE
    if wanted is None and history:
        wanted = history[-1]
        history = history[:-1]
    elif wanted is not None:
        history = [h for h in history if h != wanted]
    if wanted is None:
        text = (
            "这已经是第一个问题了。您在第一条消息里告诉我的内容，如果有不对的，请直接告诉我正确的。"
        )
        if requested is None:
            return Progress({C.FAILURES: 0}, None, [Say(text)], finish=True)
        return Progress({C.FAILURES: 0}, requested, [Say(text), Q.ask(requested, case)])
    updates: dict[str, Any] = {key: None for key in C.cleared_by(wanted)}
    updates.update({C.HISTORY: history, C.FAILURES: 0, C.FIX: None, C.CONFIRMED: None})
    after = case.with_values(updates)
    label = Q.FIELD_LABELS.get(wanted, "上一个问题")
    key = after.next_question()
    if key != wanted and wanted in after.needed():
        key = wanted
    if key is None:
        return Progress(updates, None, [], finish=True)
    return Progress(
        updates, key, [Q.ask(key, after, prefix=f"好的，我们回到上一步，重新确认“{label}”。\n")]
    )
