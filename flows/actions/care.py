"""Care: sexual harassment, discrimination and distress.

The answer from the knowledge base opens with empathy (its ``care`` segments) and then
states her rights with their citations; this action adds what such a moment needs besides:
that the assistant is not a lawyer and when her case needs one, the 12338 women's hotline,
and an offer of a person (转人工) or an appointment. Mid-walkthrough the form then asks its
question again, gently.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from flows.actions.replies import Button, Say
from flows.actions.walkthrough import say
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.periods import parse_period
from knowledge.render import render_answer

__all__ = ["CARE_INTENTS", "ActionCare", "care_messages"]

log = logging.getLogger(__name__)

CARE_INTENTS = frozenset({"sexual_harassment", "hiring_discrimination", "emotional_support"})
NOT_A_LAWYER = "我是智能助手，不是律师，也不是心理咨询师。"
OFFER = (
    "如果您愿意，我可以马上为您转接工作人员（真人）聊一聊；也可以拨打12338妇女维权热线，"
    "那里可以提供维权帮助和心理方面的支持。您想怎么做都可以，按您自己的节奏来。"
)
DANGER = "如果您正处在危险中，请马上拨打110。"


def care_messages(intent: str, period: str | None) -> list[Say]:
    """The answer (empathy first, then rights with citations) and the offer of a person."""
    messages: list[Say] = []
    try:
        answer = render_answer(intent, parse_period(period))
        messages.append(Say(answer.text, tuple(answer.citations)))
    except KnowledgeError as error:
        log.warning("no care answer for %s: %s", intent, type(error).__name__)
    stored = load_knowledge().answers.get(intent)
    lawyer = (
        f"需要律师的情况：{stored.needs_lawyer_when}" if stored and stored.needs_lawyer_when else ""
    )
    danger = DANGER if intent == "sexual_harassment" else ""
    messages.append(
        Say(
            f"{NOT_A_LAWYER}{lawyer}\n{OFFER}{danger}",
            buttons=(
                Button("转人工", "/human_handoff"),
                Button("预约维权接待日", '/book_appointment{"service":"reception_day"}'),
                Button("预约法律援助", '/book_appointment{"service":"legal_aid"}'),
            ),
        )
    )
    return messages


class ActionCare(Action):
    """Harassment, discrimination, distress: empathy, rights, 12338, an offer of a human."""

    def name(self) -> str:
        return "action_care"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or "emotional_support"
        period = tracker.get_slot("period")
        say(
            dispatcher,
            care_messages(
                intent, period if period in ("pregnancy", "maternity", "nursing") else None
            ),
        )
        return []
