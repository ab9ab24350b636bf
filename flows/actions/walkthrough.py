"""Rasa actions of the three-period walkthrough: start, the form's validation, the explanation.

Thin adapters: each reads slots and the latest message, calls one function of
``flows.actions.case/progress/explain/dispute`` and turns the result into messages and
events. The form ``walkthrough_form`` asks every question from ``validate_walkthrough_form``
(the form has no ``utter_ask_*``), so questions can be worded for the case at hand.

Flow (rules in ``flows/rules/walkthrough.yml``):
three-period question → ``action_start_walkthrough`` (short answer with citations, facts
from the first message) → ``walkthrough_form`` (one question at a time, then the review) →
``action_finish_walkthrough`` (the tailored explanation) → ``action_dispute_path`` on
"下一步怎么维权".
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.engine.client import EngineClient
from bot.settings import get_settings
from flows.actions import case as C
from flows.actions.answers import Parse, second_problem
from flows.actions.case import Case
from flows.actions.dispute import dispute_path
from flows.actions.explain import explain
from flows.actions.handoff import FALLBACK_HANDOFF_TEXT, FALLBACKS_BEFORE_HANDOFF
from flows.actions.message import Message, simplified
from flows.actions.progress import Progress, advance, resume
from flows.actions.replies import Button, Say
from flows.actions.start import begin, opening
from knowledge.errors import KnowledgeError

__all__ = [
    "FORM",
    "ActionDisputePath",
    "ActionFinishWalkthrough",
    "ActionOfferDisputePath",
    "ActionStartWalkthrough",
    "ValidateWalkthroughForm",
    "latest_message",
    "misunderstood_in_a_row",
    "say",
    "slots_before_latest_message",
]

log = logging.getLogger(__name__)

FORM = "walkthrough_form"
#: Slots the engine fills from entities on every message (shared domain).
ENGINE_FILLED = (C.PERIOD, C.PROVINCE)
#: The only actions that may run between her message and the form for the form to read
#: that message as an answer; any other (the start action, an answer to a different
#: question) means the form is starting or coming back, and only asks again.
_ANSWER_TURN = frozenset({"action_listen", FORM})


def say(dispatcher: CollectingDispatcher, messages: list[Say]) -> None:
    for message in messages:
        dispatcher.utter_message(json_message=message.as_json())


def latest_message(tracker: Tracker) -> Message:
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return Message(
        text=str(latest.get("text") or ""),
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        entities=tuple(
            {**e, "value": simplified(str(e.get("value")))} for e in latest.get("entities") or ()
        ),
    )


def _latest_user_index(events: list[dict[str, Any]]) -> int | None:
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return index
    return None


def slots_before_latest_message(tracker: Tracker, names: tuple[str, ...]) -> dict[str, Any]:
    """What the engine-filled slots held before the latest message (to see corrections)."""
    events = list(tracker.events)
    stop = _latest_user_index(events)
    values: dict[str, Any] = {name: None for name in names}
    for event in events[: stop if stop is not None else len(events)]:
        if event.get("event") == "slot" and event.get("name") in values:
            values[str(event["name"])] = event.get("value")
        elif event.get("event") == "restart":
            values = {name: None for name in names}
    return values


def misunderstood_in_a_row(events: list[dict[str, Any]]) -> int:
    """Her latest messages in a row that were not understood: unclassified, or a "bare
    answer" with nothing in it ("zzzz" taken for inform). Two in a row hand her to a person,
    as ``action_fallback`` does for the unclassified ones alone."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        if intent == "nlu_fallback" or (intent == "inform" and not parse.get("entities")):
            count += 1
        else:
            break
    return count


def _answering(tracker: Tracker) -> bool:
    """Whether the form runs right after her message (and so must read it as an answer).

    The form also runs when it starts (after ``action_start_walkthrough``) and when it
    comes back after another question was answered; then it only asks its question again.
    """
    events = list(tracker.events)
    start = _latest_user_index(events)
    if start is None:
        return False
    for event in events[start + 1 :]:
        if event.get("event") == "action" and event.get("name") not in _ANSWER_TURN:
            return False
    return True


#: What the form says when it asks again after the rules answered something else.
AFTER_CARE = "等您准备好了，我们再接着刚才的问题（也可以先不答，随时说“转人工”）：\n"
AFTER_ASIDE = "回到刚才的问题：\n"
#: Actions after which the question is asked again without a word about returning (the
#: walkthrough just started, reopened, or the welcome back already said so).
_NO_RETURN_NOTE = frozenset(
    {"action_start_walkthrough", "action_reopen_walkthrough", "action_welcome_back"}
)


def _return_note(tracker: Tracker) -> str:
    """ "回到刚才的问题：" when the form comes back after answering another question."""
    events = list(tracker.events)
    start = _latest_user_index(events)
    if start is None:
        return ""
    ran = [
        str(e.get("name"))
        for e in events[start + 1 :]
        if e.get("event") == "action" and e.get("name") not in _ANSWER_TURN
    ]
    if not ran or ran[0] in _NO_RETURN_NOTE:
        return ""
    return AFTER_CARE if ran[0] == "action_care" else AFTER_ASIDE


def _events(progress: Progress) -> list[dict[str, Any]]:
    events = [SlotSet(key, value) for key, value in progress.updates.items()]
    if progress.reject:
        return [*events, ActionExecutionRejected(FORM)]
    return [*events, SlotSet("requested_slot", progress.requested)]


class ValidateWalkthroughForm(Action):
    """Every turn of ``walkthrough_form``: read her answer, repair, ask the next question."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        case = Case.from_slots(tracker.slots)
        if _answering(tracker):
            progress = advance(
                case,
                latest_message(tracker),
                requested=tracker.get_slot("requested_slot"),
                before=slots_before_latest_message(tracker, ENGINE_FILLED),
                today=date.today(),
            )
        else:
            progress = resume(case, prefix=_return_note(tracker))
        say(dispatcher, progress.messages)
        return _events(progress)


class ActionStartWalkthrough(Action):
    """A three-period question: a short answer now, then the questions her case needs.

    Facts the worker gave before (same channel account) are kept, so a returning worker
    is asked only what changed or is still missing; the review shows them all.
    """

    def __init__(self, parse: Parse | None = None) -> None:
        self._parse = parse

    def name(self) -> str:
        return "action_start_walkthrough"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = latest_message(tracker)
        case = Case.from_slots(tracker.slots)
        active = (tracker.active_loop or {}).get("name") == FORM
        if self._parse is None:
            settings = get_settings()
            client = EngineClient(
                settings.rasa_url, token=settings.dev_secret("rasa_token"), timeout_s=2
            )
            self._parse = client.parse
        other = await second_problem(message.text, message.intent or "", self._parse)
        start = begin(case, message, active=active, other=other, today=date.today())
        if not start.understood:
            if misunderstood_in_a_row(list(tracker.events)) >= FALLBACKS_BEFORE_HANDOFF:
                dispatcher.utter_message(
                    json_message={"text": FALLBACK_HANDOFF_TEXT, "handoff": "fallback"}
                )
            else:
                dispatcher.utter_message(response="utter_default")
            return [SlotSet(key, value) for key, value in start.updates.items()]
        say(
            dispatcher,
            opening(
                start.intent, case.with_values(start.updates), continuing=active, other=start.other
            ),
        )
        return [SlotSet(key, value) for key, value in start.updates.items()]


class ActionFinishWalkthrough(Action):
    """After the form: the tailored explanation, once she has confirmed the review."""

    def name(self) -> str:
        return "action_finish_walkthrough"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        case = Case.from_slots(tracker.slots)
        if case.get(C.CONFIRMED) is not True:
            # the form ended without a confirmed review: she stopped, or was handed over
            return []
        try:
            messages = explain(case, today=date.today())
        except KnowledgeError as error:
            log.warning("walkthrough explanation failed: %s", type(error).__name__)
            messages = [
                Say(f"抱歉，按您的情况计算时出了问题：{error}。您可以说“转人工”，或拨打12333咨询。")
            ]
        say(dispatcher, messages)
        return [SlotSet(C.STAGE, "explained"), SlotSet(C.FAILURES, 0)]


class ActionDisputePath(Action):
    """协商 → 调解 → 仲裁 → 诉讼 for her case, who helps, and an offer to book."""

    def name(self) -> str:
        return "action_dispute_path"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        case = Case.from_slots(tracker.slots)
        topic = tracker.get_slot("dispute_topic")
        say(dispatcher, dispute_path(case, topic=topic, today=date.today()))
        return []


class ActionOfferDisputePath(Action):
    """After an answer about a dispute (unpaid wages, dismissal …): offer the whole path."""

    def name(self) -> str:
        return "action_offer_dispute_path"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        say(
            dispatcher,
            [
                Say(
                    "需要的话，我可以把维权的每一步（协商、调解、仲裁、诉讼）的期限、费用和可以找谁帮忙讲给您听。",
                    buttons=(
                        Button("好，说说维权步骤", "/affirm"),
                        Button("预约维权接待日", '/book_appointment{"service":"reception_day"}'),
                        Button("转人工", "/human_handoff"),
                    ),
                )
            ],
        )
        return [SlotSet("dispute_topic", intent)]
