"""action_answer_question: the answer with its citations, and a second problem taken up."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.engine.client import EngineUnavailable
from flows.actions.answers import SECOND_PROBLEM_THRESHOLD, ActionAnswerQuestion, second_problem

ART_42 = "《中华人民共和国劳动合同法》第四十二条"


def clause_parser(intents: dict[str, tuple[str, float]]):  # type: ignore[no-untyped-def]
    """Stands in for the engine's parse: each clause → (intent, confidence)."""

    async def parse(text: str) -> dict[str, Any]:
        name, confidence = intents.get(text, ("greet", 0.9))
        return {
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.9},
                {"name": name, "confidence": confidence},
            ]
        }

    return parse


def tracker(intent: str, text: str = "…", period: str | None = None) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [],
        "entities": [],
        "text": text,
    }
    return Tracker("cli:u", {"period": period}, latest, [], False, None, {}, "action_listen")


async def run(t: Tracker, parse: Any = None) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion(parse or clause_parser({})).run(dispatcher, t, {})
    return dispatcher.messages


async def test_dismissal_answer_carries_article_42() -> None:
    [message] = await run(tracker("three_period_dismissal", "我怀孕了公司要辞退我"))
    payload = message["custom"]
    assert ART_42 in payload["citations"]
    assert "〔依据：" in payload["text"]


async def test_period_variant_is_used_when_the_period_is_known() -> None:
    [pregnancy] = await run(tracker("three_period_pay_cut", period="pregnancy"))
    [default] = await run(tracker("three_period_pay_cut"))
    assert pregnancy["custom"]["text"] != default["custom"]["text"]


async def test_a_second_problem_in_another_clause_is_taken_up_with_a_button() -> None:
    text = "怀孕七个月了公司让我上夜班，不上就扣工资"
    parse = clause_parser(
        {
            "怀孕七个月了公司让我上夜班": ("three_period_job_change", 0.9),
            "不上就扣工资": ("three_period_pay_cut", SECOND_PROBLEM_THRESHOLD + 0.1),
        }
    )
    first, second = await run(tracker("three_period_job_change", text), parse)
    assert "〔依据：" in first["custom"]["text"]
    assert second["custom"]["text"].startswith("您还提到了")
    assert second["custom"]["citations"]
    assert second["custom"]["buttons"][0]["payload"] == "/three_period_pay_cut"


@pytest.mark.parametrize(
    "clauses",
    [
        pytest.param(
            {"a这是第一句": ("maternity_leave", 0.9), "b这是第二句": ("maternity_allowance", 0.4)},
            id="too-weak",
        ),
        pytest.param(
            {"a这是第一句": ("maternity_leave", 0.9), "b这是第二句": ("maternity_leave", 0.9)},
            id="same-problem",
        ),
        pytest.param(
            {"a这是第一句": ("maternity_leave", 0.9), "b这是第二句": ("goodbye", 0.95)},
            id="not-a-domain-intent",
        ),
        pytest.param(
            {"a这是第一句": ("maternity_leave", 0.9), "b这是第二句": ("book_appointment", 0.95)},
            id="booking-is-its-own-flow",
        ),
    ],
)
async def test_no_second_problem_is_invented(clauses: dict[str, tuple[str, float]]) -> None:
    assert (
        await second_problem("a这是第一句，b这是第二句", "maternity_leave", clause_parser(clauses))
        is None
    )


async def test_engine_failure_costs_only_the_second_answer() -> None:
    async def down(text: str) -> dict[str, Any]:
        raise EngineUnavailable("engine unreachable")

    messages = await run(tracker("maternity_leave", "产假多少天，生育津贴怎么算"), down)
    assert len(messages) == 1 and messages[0]["custom"]["citations"]


async def test_an_intent_without_an_answer_gives_the_hotlines() -> None:
    [message] = await run(tracker("not_an_intent"))
    assert "12333" in message["text"] and "转人工" in message["text"]
