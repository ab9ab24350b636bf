"""Hand the conversation to a person: when the worker asks, or after two misunderstandings.

The action only says so and marks its message with ``custom.handoff`` (``asked`` or
``fallback``); the gateway, which knows whether an operator is on duty, puts the
conversation in the console's queue and tells the worker honestly who will answer.
Counting the misunderstandings from the tracker keeps that state where all conversation
state lives (Rasa's tracker store), so it survives any restart.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

__all__ = ["ActionFallback", "ActionHandoff", "consecutive_fallbacks"]

FALLBACK_INTENT = "nlu_fallback"
FALLBACKS_BEFORE_HANDOFF = 2
HANDOFF_TEXT = "好的，我来为您转接人工服务。"
FALLBACK_HANDOFF_TEXT = "抱歉，我两次都没能理解您的意思。我来为您转接人工服务。"


def consecutive_fallbacks(events: list[dict[str, Any]]) -> int:
    """How many of the latest user messages in a row the NLU could not classify."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


class ActionHandoff(Action):
    """The worker asked for a person (转人工)."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message={"text": HANDOFF_TEXT, "handoff": "asked"})
        return []


class ActionFallback(Action):
    """A message the NLU could not classify: ask again once, then hand over to a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if consecutive_fallbacks(tracker.events) >= FALLBACKS_BEFORE_HANDOFF:
            dispatcher.utter_message(
                json_message={"text": FALLBACK_HANDOFF_TEXT, "handoff": "fallback"}
            )
        else:
            dispatcher.utter_message(response="utter_default")
        return []
