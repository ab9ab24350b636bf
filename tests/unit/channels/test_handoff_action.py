"""The engine's side of the handoff: when a person is asked for, and after two misses."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from flows.actions.handoff import ActionFallback, ActionHandoff, consecutive_fallbacks


def user(intent: str) -> dict[str, Any]:
    return {"event": "user", "parse_data": {"intent": {"name": intent, "confidence": 0.2}}}


def bot() -> dict[str, Any]:
    return {"event": "bot", "text": "…"}


def tracker(events: list[dict[str, Any]]) -> Tracker:
    return Tracker("web:w1", {}, events[-1]["parse_data"], events, False, None, {}, "")


def test_consecutive_fallbacks_counts_only_the_latest_run() -> None:
    events = [user("nlu_fallback"), bot(), user("greet"), bot(), user("nlu_fallback"), bot()]
    assert consecutive_fallbacks(events) == 1
    assert consecutive_fallbacks([*events, user("nlu_fallback")]) == 2
    assert consecutive_fallbacks([user("greet")]) == 0


async def test_the_first_miss_asks_again_the_second_hands_over() -> None:
    first = CollectingDispatcher()
    await ActionFallback().run(first, tracker([user("greet"), bot(), user("nlu_fallback")]), {})
    assert first.messages[0]["response"] == "utter_default"
    second = CollectingDispatcher()
    await ActionFallback().run(
        second, tracker([user("nlu_fallback"), bot(), user("nlu_fallback")]), {}
    )
    assert second.messages[0]["custom"]["handoff"] == "fallback"


async def test_asking_for_a_person_marks_the_message_for_the_gateway() -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandoff().run(dispatcher, tracker([user("human_handoff")]), {})
    assert dispatcher.messages[0]["custom"] == {
        "text": "好的，我来为您转接人工服务。",
        "handoff": "asked",
    }
