"""Answer a question about rights from the knowledge base, with its citations."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.check import DOMAIN_INTENTS
from knowledge.errors import KnowledgeError
from knowledge.periods import parse_period
from knowledge.render import render_answer

log = logging.getLogger(__name__)

# Booking intents are handled by the booking form and actions (flows/actions/booking*.py).
BOOKING_INTENTS = frozenset(
    {"book_appointment", "cancel_appointment", "reschedule_appointment", "query_appointment"}
)
NO_ANSWER = (
    "这个问题我暂时没有整理好的答案。建议您拨打12333（人社劳动保障）、12338（妇联妇女维权）、"
    "12351（工会职工维权）或12348（法律援助）咨询，也可以说“转人工”。"
)


# A second problem in the same message is taken up when its intent is among the top three
# at this confidence or more (chosen on nlu/testset/multi_problem.jsonl; see nlu/README.md).
SECOND_PROBLEM_THRESHOLD = 0.2
SECOND_PROBLEM_INTENTS = frozenset(DOMAIN_INTENTS) - BOOKING_INTENTS


def second_problem(latest_message: dict[str, Any]) -> str | None:
    """The other problem a message raises, if the classifier saw one clearly enough.

    Why: workers often write two problems in one message ("怀孕七个月还要上夜班，不上就扣工资");
    answering only the first leaves her second question silently dropped.
    """
    main = (latest_message.get("intent") or {}).get("name")
    ranked = [
        r
        for r in latest_message.get("intent_ranking") or []
        if r.get("name") not in (main, "nlu_fallback")
    ][:2]
    for candidate in ranked:
        if (
            candidate.get("name") in SECOND_PROBLEM_INTENTS
            and float(candidate.get("confidence") or 0) >= SECOND_PROBLEM_THRESHOLD
        ):
            return str(candidate["name"])
    return None


class ActionAnswerQuestion(Action):
    """The answer for the latest intent, in the variant for the worker's period."""

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
        other = second_problem(tracker.latest_message)
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
