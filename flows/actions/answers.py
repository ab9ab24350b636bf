"""Answer a question about rights from the knowledge base, with its citations."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.engine.client import EngineClient, EngineError
from bot.settings import get_settings
from knowledge.check import DOMAIN_INTENTS
from knowledge.errors import KnowledgeError
from knowledge.periods import parse_period
from knowledge.render import render_answer
from nlu.clauses import split_clauses

log = logging.getLogger(__name__)

# Booking intents are handled by the booking form and actions (flows/actions/booking*.py).
BOOKING_INTENTS = frozenset(
    {"book_appointment", "cancel_appointment", "reschedule_appointment", "query_appointment"}
)
NO_ANSWER = (
    "这个问题我暂时没有整理好的答案。建议您拨打12333（人社劳动保障）、12338（妇联妇女维权）、"
    "12351（工会职工维权）或12348（法律援助）咨询，也可以说“转人工”。"
)


# A second problem in the same message is taken up when one of the message's clauses is
# classified as another domain intent with at least this confidence (chosen on
# nlu/testset/multi_problem.jsonl and test_set.jsonl; see nlu/README.md).
SECOND_PROBLEM_THRESHOLD = 0.6
SECOND_PROBLEM_INTENTS = frozenset(DOMAIN_INTENTS) - BOOKING_INTENTS

Parse = Callable[[str], Awaitable[dict[str, Any]]]


async def second_problem(text: str, main: str, parse: Parse) -> str | None:
    """The other problem a message raises, found by classifying its clauses one by one.

    Why: workers often write two problems in one message ("怀孕七个月还要上夜班，不上就扣工资");
    answering only the first leaves her second question silently dropped. A failure of the
    engine here costs only the second answer, never the first.
    """
    for clause in split_clauses(text):
        try:
            parsed = await parse(clause)
        except EngineError as error:
            log.warning("clause parse failed: %s", error)
            return None
        top = next(
            (r for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"),
            {},
        )
        name = str(top.get("name"))
        if (
            name != main
            and name in SECOND_PROBLEM_INTENTS
            and float(top.get("confidence") or 0) >= SECOND_PROBLEM_THRESHOLD
        ):
            return name
    return None


def _engine_parse() -> Parse:
    settings = get_settings()
    client = EngineClient(settings.rasa_url, token=settings.dev_secret("rasa_token"), timeout_s=2)
    return client.parse


class ActionAnswerQuestion(Action):
    """The answer for the latest intent, in the variant for the worker's period."""

    def __init__(self, parse: Parse | None = None) -> None:
        self._parse = parse

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        period = parse_period(tracker.get_slot("period"))
        try:
            answer = render_answer(intent, period)
        except KnowledgeError as error:
            log.warning("no answer for intent %s: %s", intent, error)
            dispatcher.utter_message(text=NO_ANSWER)
            return []
        # One message carrying text and citations together: Rasa's REST channel would
        # otherwise split the text at blank lines and send the citations on their own.
        dispatcher.utter_message(
            json_message={
                "text": answer.text,
                "citations": answer.citations,
                "citation_ids": answer.citation_ids,
            }
        )
        if self._parse is None:
            self._parse = _engine_parse()
        text = str(tracker.latest_message.get("text") or "")
        other = await second_problem(text, intent, self._parse)
        if other is not None:
            self._take_up_second_problem(dispatcher, other, period)
        return []

    @staticmethod
    def _take_up_second_problem(dispatcher: CollectingDispatcher, intent: str, period: Any) -> None:
        try:
            answer = render_answer(intent, period)
        except KnowledgeError:
            return
        dispatcher.utter_message(
            json_message={
                "text": f"您还提到了“{answer.title}”：{answer.short}",
                "citations": answer.short_citations,
                "buttons": [{"title": f"详细说说：{answer.title}", "payload": f"/{intent}"}],
            }
        )
