"""action_answer_question: the answer with its citations, and a second problem taken up."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from flows.actions.answers import SECOND_PROBLEM_THRESHOLD, ActionAnswerQuestion, second_problem

ART_42 = "《中华人民共和国劳动合同法》第四十二条"


def tracker(intent: str, ranking: list[tuple[str, float]], period: str | None = None) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": ranking[0][1] if ranking else 1.0},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
        "text": "…",
    }
    return Tracker("cli:u", {"period": period}, latest, [], False, None, {}, "action_listen")


async def run(t: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(dispatcher, t, {})
    return dispatcher.messages


async def test_dismissal_answer_carries_article_42() -> None:
    [message] = await run(tracker("three_period_dismissal", [("three_period_dismissal", 0.95)]))
    payload = message["custom"]
    assert ART_42 in payload["citations"]
    assert "〔依据：" in payload["text"]


async def test_period_variant_is_used_when_the_period_is_known() -> None:
    [pregnancy] = await run(tracker("three_period_pay_cut", [("three_period_pay_cut", 0.9)], "pregnancy"))
    [default] = await run(tracker("three_period_pay_cut", [("three_period_pay_cut", 0.9)]))
    assert pregnancy["custom"]["text"] != default["custom"]["text"]


async def test_a_clear_second_problem_is_taken_up_with_a_button() -> None:
    ranking = [("three_period_job_change", 0.5), ("three_period_pay_cut", SECOND_PROBLEM_THRESHOLD + 0.05)]
    first, second = await run(tracker("three_period_job_change", ranking))
    assert second["custom"]["text"].startswith("您还提到了")
    assert second["custom"]["citations"]
    assert second["custom"]["buttons"] == [
        {"title": second["custom"]["buttons"][0]["title"], "payload": "/three_period_pay_cut"}
    ]


@pytest.mark.parametrize(
    "ranking",
    [
        pytest.param([("maternity_leave", 0.9), ("maternity_allowance", 0.05)], id="too-weak"),
        pytest.param([("maternity_leave", 0.5), ("greet", 0.4)], id="not-a-domain-intent"),
        pytest.param([("maternity_leave", 0.5), ("nlu_fallback", 0.45)], id="fallback"),
        pytest.param([("maternity_leave", 0.5), ("book_appointment", 0.45)], id="booking-is-its-own-flow"),
    ],
)
def test_no_second_problem_is_invented(ranking: list[tuple[str, float]]) -> None:
    latest = {
        "intent": {"name": ranking[0][0]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
    }
    assert second_problem(latest) is None


async def test_an_intent_without_an_answer_gives_the_hotlines() -> None:
    [message] = await run(tracker("not_an_intent", [("not_an_intent", 0.9)]))
    assert "12333" in message["text"] and "转人工" in message["text"]
