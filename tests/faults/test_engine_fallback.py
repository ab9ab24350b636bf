"""The engine-down answer: given whenever the engine fails, and always in time.

Rasa's REST channel catches any error of a turn (its tracker or lock store, a custom
action) and answers HTTP 200 with an empty list. The gateway treats that like an engine
outage: the most relevant rule and the hotline numbers, nothing cached for a retry. The
rule is looked up within a budget, so the hotline numbers never wait for the search index.
"""

from __future__ import annotations

import threading
from typing import Any

import fakeredis
import httpx
import pytest

from bot import conversation
from bot.conversation import ENGINE_DOWN_TEXT, ConversationService, IncomingMessage, Reply
from bot.engine.client import EngineClient


def _service(messages: list[dict[str, Any]]) -> tuple[ConversationService, list[str]]:
    """A service whose engine answers every message with ``messages``; the texts it saw."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            seen.append(request.content.decode())
            return httpx.Response(200, json=messages)
        if request.url.path.endswith("/tracker"):
            return httpx.Response(200, json={"latest_message": {"intent": {"name": "greet"}}})
        return httpx.Response(404)

    engine = EngineClient(
        "http://engine.test", client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    return ConversationService(engine, fakeredis.FakeAsyncRedis(decode_responses=True)), seen


async def test_an_empty_engine_answer_gets_the_rule_and_the_hotlines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conversation, "RETRIEVAL_BUDGET_S", 60.0)  # however cold the index
    service, _ = _service([])
    turn = await service.handle(
        IncomingMessage(channel="wechat", user_id="u1", text="产假有多少天", message_id="m1")
    )
    assert turn.degraded
    assert turn.replies[-1].text == ENGINE_DOWN_TEXT
    assert "98天" in turn.replies[0].text and turn.replies[0].citations


async def test_an_empty_engine_answer_is_not_kept_for_the_retry() -> None:
    service, seen = _service([])
    message = IncomingMessage(channel="wechat", user_id="u2", text="你好", message_id="m2")
    await service.handle(message)
    await service.handle(message)
    assert len(seen) == 2  # the retry asks the engine again instead of replaying the fallback


async def test_a_handoff_without_text_is_an_answer_not_a_failure() -> None:
    service, _ = _service([{"recipient_id": "u3", "custom": {"handoff": "asked"}}])
    turn = await service.handle(IncomingMessage(channel="wechat", user_id="u3", text="转人工"))
    assert not turn.degraded and turn.handoff == "asked"


async def test_a_slow_rule_search_does_not_hold_back_the_hotline_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    released = threading.Event()

    def search_still_building_its_index(text: str) -> list[Reply]:
        released.wait(timeout=30)
        return [Reply(text="规定")]

    monkeypatch.setattr(conversation, "retrieval_replies", search_still_building_its_index)
    monkeypatch.setattr(conversation, "RETRIEVAL_BUDGET_S", 0.05)
    service, _ = _service([])
    try:
        turn = await service.handle(IncomingMessage(channel="wechat", user_id="u4", text="产假"))
    finally:
        released.set()
    assert [reply.text for reply in turn.replies] == [ENGINE_DOWN_TEXT]
