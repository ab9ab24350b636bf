"""ConversationService: replies and citations from the engine, once per message id."""

from __future__ import annotations

import json

import fakeredis
import httpx
import pytest

from bot.conversation import ENGINE_DOWN_TEXT, ConversationService, IncomingMessage
from bot.engine.client import EngineClient

CITATION = "《中华人民共和国劳动合同法》第四十二条"


class FakeEngine:
    """Answers Rasa's REST channel and tracker endpoints like a running engine would."""

    def __init__(self) -> None:
        self.webhook_calls: list[dict[str, object]] = []
        self.slot_events: list[object] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            self.webhook_calls.append(json.loads(request.content))
            return httpx.Response(
                200,
                json=[
                    {
                        "recipient_id": "x",
                        "custom": {"text": "三期内不得辞退。", "citations": [CITATION]},
                    },
                    {
                        "recipient_id": "x",
                        "text": "还有问题吗？",
                        "buttons": [{"title": "转人工", "payload": "/human_handoff"}],
                    },
                ],
            )
        if request.url.path.endswith("/tracker"):
            return httpx.Response(
                200,
                json={
                    "latest_message": {
                        "intent": {"name": "three_period_dismissal", "confidence": 0.97},
                        "entities": [
                            {
                                "entity": "period",
                                "value": "pregnancy",
                                "start": 2,
                                "end": 4,
                                "confidence_entity": 0.9,
                            }
                        ],
                    }
                },
            )
        if request.url.path.endswith("/tracker/events"):
            self.slot_events.append(json.loads(request.content))
            return httpx.Response(200, json={})
        return httpx.Response(404)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def service(fake_engine: FakeEngine) -> ConversationService:
    client = EngineClient(
        "http://engine",
        client=httpx.AsyncClient(transport=httpx.MockTransport(fake_engine.handler)),
    )
    return ConversationService(client, fakeredis.FakeAsyncRedis(decode_responses=True))


async def test_replies_carry_text_citations_and_buttons(service: ConversationService) -> None:
    turn = await service.handle(
        IncomingMessage("cli", "u1", "我怀孕了公司要辞退我"), with_parse=True
    )
    assert turn.intent == "three_period_dismissal"
    assert turn.confidence == pytest.approx(0.97)
    assert turn.entities == [{"entity": "period", "value": "pregnancy", "start": 2, "end": 4}]
    assert turn.replies[0].text == "三期内不得辞退。"
    assert turn.replies[0].citations == [CITATION]
    assert [b.title for b in turn.replies[1].buttons] == ["转人工"]


async def test_sender_id_is_channel_plus_user(
    service: ConversationService, fake_engine: FakeEngine
) -> None:
    await service.handle(IncomingMessage("wechat", "openid-9", "你好"))
    assert fake_engine.webhook_calls[0]["sender"] == "wechat:openid-9"


async def test_a_repeated_message_id_is_answered_once(
    service: ConversationService, fake_engine: FakeEngine
) -> None:
    message = IncomingMessage("wechat", "openid-1", "产假多少天", message_id="m-1")
    first = await service.handle(message)
    again = await service.handle(message)
    assert len(fake_engine.webhook_calls) == 1
    assert again == first


async def test_known_province_is_set_as_a_slot_before_the_message(
    service: ConversationService, fake_engine: FakeEngine
) -> None:
    await service.handle(IncomingMessage("cli", "u2", "产假多少天", slots={"province": "山东"}))
    assert fake_engine.slot_events == [[{"event": "slot", "name": "province", "value": "山东"}]]


async def test_engine_down_gives_the_closest_rule_and_hotline_numbers_and_is_not_cached() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = EngineClient(
        "http://engine", client=httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    )
    service = ConversationService(client, fakeredis.FakeAsyncRedis(decode_responses=True))
    message = IncomingMessage("wechat", "openid-2", "怀孕了公司要辞退我", message_id="m-2")
    turn = await service.handle(message)
    assert turn.degraded
    closest, hotlines = turn.replies
    assert closest.text.startswith("智能助手暂时不能完整回答")
    assert "《中华人民共和国劳动合同法》第四十二条" in closest.citations
    assert hotlines.text == ENGINE_DOWN_TEXT
    for number in ("12333", "12338", "12351", "12348"):
        assert number in hotlines.text
    assert await service._redis.get("turn:wechat:openid-2:m-2") is None  # type: ignore[attr-defined]
