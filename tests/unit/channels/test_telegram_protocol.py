"""The Telegram webhook with real Update JSON; Bot API calls recorded by PTB's request API."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from telegram import Bot

from tests.unit.channels.conftest import TELEGRAM_SECRET
from tests.unit.channels.fakes import ART_42, FakeEngine, RecordingTelegramRequest

WORKER = {"id": 7011223344, "is_bot": False, "first_name": "丽", "language_code": "zh-hans"}
CHAT = {"id": 7011223344, "first_name": "丽", "type": "private"}
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def text_update(update_id: int, text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1365 + update_id,
        "from": WORKER,
        "chat": chat or CHAT,
        "date": 1764050000,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"update_id": update_id, "message": message}


def callback_update(update_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": WORKER,
            "message": {
                "message_id": 1400,
                "from": {
                    "id": 123456,
                    "is_bot": True,
                    "first_name": "助手",
                    "username": "hotline_bot",
                },
                "chat": CHAT,
                "date": 1764050001,
                "text": "您好！请说说您遇到的情况。",
            },
            "chat_instance": "-5405470286466617478",
            "data": data,
        },
    }


@pytest.fixture
def telegram_api(client: TestClient) -> RecordingTelegramRequest:
    recording = RecordingTelegramRequest()
    channel = client.app.state.channels.telegram  # type: ignore[attr-defined]
    channel._bot = Bot("123456:TEST-TOKEN", request=recording, get_updates_request=recording)
    return recording


def webhook(
    client: TestClient,
    update: dict[str, Any],
    secret: str = TELEGRAM_SECRET,
    headers: dict[str, str] | None = None,
) -> int:
    response = client.post(
        f"/telegram/{secret}", json=update, headers=HEADERS if headers is None else headers
    )
    return response.status_code


@pytest.mark.parametrize(
    ("secret", "headers"),
    [
        pytest.param("wrong-path-secret", HEADERS, id="wrong-path"),
        pytest.param(TELEGRAM_SECRET, {}, id="no-header"),
        pytest.param(
            TELEGRAM_SECRET, {"X-Telegram-Bot-Api-Secret-Token": "guess"}, id="wrong-header"
        ),
    ],
)
def test_webhook_without_both_secrets_is_forbidden(
    client: TestClient,
    engine: FakeEngine,
    telegram_api: RecordingTelegramRequest,
    secret: str,
    headers: dict[str, str],
) -> None:
    assert webhook(client, text_update(1, "你好"), secret, headers) == 403
    assert engine.messages == [] and telegram_api.calls == []


def test_a_text_message_is_answered_with_citations(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    assert webhook(client, text_update(10, "我怀孕了，公司要辞退我")) == 200
    assert engine.messages == [("telegram:7011223344", "我怀孕了，公司要辞退我")]
    name, params = telegram_api.calls[-1]
    assert name == "sendMessage" and int(params["chat_id"]) == 7011223344
    assert ART_42 in params["text"]


def test_start_greets_with_an_inline_keyboard(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    assert webhook(client, text_update(11, "/start")) == 200
    assert engine.messages == [("telegram:7011223344", "/greet")]
    _, params = telegram_api.calls[-1]
    keyboard = params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["怀孕被辞退", "产假有多少天", "转人工"]
    assert keyboard[0][0]["callback_data"] == "/three_period_dismissal"


def test_pressing_an_inline_button_sends_its_payload(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    assert webhook(client, callback_update(12, "/three_period_dismissal")) == 200
    assert engine.messages == [("telegram:7011223344", "/three_period_dismissal")]
    names = [name for name, _ in telegram_api.calls]
    assert names == ["answerCallbackQuery", "sendMessage"]


def test_a_digit_also_picks_a_choice(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    webhook(client, text_update(13, "/start"))
    webhook(client, text_update(14, "2"))
    assert engine.messages[-1] == ("telegram:7011223344", "/maternity_leave")


def test_a_redelivered_update_is_answered_once(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    update = text_update(15, "我怀孕了，公司要辞退我")
    assert webhook(client, update) == 200
    assert webhook(client, copy.deepcopy(update)) == 200
    assert len(engine.messages) == 1
    assert len(telegram_api.sent_texts()) == 1


def test_group_chats_are_ignored(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    group = {"id": -100123, "title": "群", "type": "supergroup"}
    assert webhook(client, text_update(16, "你好", chat=group)) == 200
    assert engine.messages == [] and telegram_api.calls == []


def test_a_photo_is_answered_politely_without_the_engine(
    client: TestClient, engine: FakeEngine, telegram_api: RecordingTelegramRequest
) -> None:
    update = text_update(17, "x")
    del update["message"]["text"]
    update["message"]["photo"] = [
        {"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 51, "file_size": 1000}
    ]
    assert webhook(client, update) == 200
    assert engine.messages == []
    assert "只能看懂文字" in telegram_api.sent_texts()[0]


@pytest.mark.parametrize(
    "body",
    [pytest.param(b"not json", id="not-json"), pytest.param(b"[1, 2]", id="not-an-object")],
)
def test_unreadable_updates_are_refused(
    client: TestClient, telegram_api: RecordingTelegramRequest, body: bytes
) -> None:
    response = client.post(f"/telegram/{TELEGRAM_SECRET}", content=body, headers=HEADERS)
    assert response.status_code == 400
