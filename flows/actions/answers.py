"""Answer a question about rights from the knowledge base, with its citations."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.errors import KnowledgeError
from knowledge.periods import parse_period
from knowledge.render import render_answer

log = logging.getLogger(__name__)

BOOKING_INTENTS = frozenset(
    {"book_appointment", "cancel_appointment", "reschedule_appointment", "query_appointment"}
)
BOOKING_BY_PHONE = (
    "在线预约暂未开通。您可以拨打12333（人社）或12351（工会）询问所在地女职工劳动人事争议维权工作站"
    "的维权接待日时间；需要法律援助的，可以拨打12348或到当地法律援助中心申请。"
)
NO_ANSWER = (
    "这个问题我暂时没有整理好的答案。建议您拨打12333（人社劳动保障）、12338（妇联妇女维权）、"
    "12351（工会职工维权）或12348（法律援助）咨询，也可以说“转人工”。"
)


class ActionAnswerQuestion(Action):
    """The answer for the latest intent, in the variant for the worker's period."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        if intent in BOOKING_INTENTS:
            dispatcher.utter_message(text=BOOKING_BY_PHONE)
            return []
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
        return []
