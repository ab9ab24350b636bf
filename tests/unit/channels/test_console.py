"""The operator console: suggestions, login like staff, the handoff queue and replies."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.console.suggest import build_suggestions
from bot.store.models import UserRole
from tests.unit.channels.console_support import create_account, log_in
from tests.unit.channels.fakes import FakeEngine, RecordingTelegramRequest, parse_of
from tests.unit.channels.test_handoff_and_webchat import CHAT_HEADERS, open_chat, say


def test_suggest_returns_intent_entities_and_three_read_aloud_replies(client: TestClient) -> None:
    response = client.post("/api/v1/suggest", json={"text": "我在山东，怀孕了公司要辞退我"})
    assert response.status_code == 200
    body = response.json()
    assert body["intent"] == "three_period_dismissal" and body["confidence"] == pytest.approx(0.82)
    assert {(e["entity"], e["value"]) for e in body["entities"]} == {
        ("province", "山东省"),
        ("period", "pregnancy"),
    }
    suggestions = body["suggestions"]
    assert len(suggestions) == 3
    assert suggestions[0]["intent"] == "three_period_dismissal"
    assert len({s["intent"] for s in suggestions}) == 3
    for suggestion in suggestions:
        assert 4 <= len(suggestion["text"]) <= 120  # short enough to read aloud
        assert suggestion["citations"] and all(c.startswith("《") for c in suggestion["citations"])
    action = suggestions[0]["action"]
    assert action["kind"] == "walkthrough"
    assert (
        action["payload"] == '/three_period_dismissal{"province": "山东省", "period": "pregnancy"}'
    )


def test_booking_questions_offer_to_book_on_the_callers_behalf() -> None:
    parse = parse_of("预约")
    parse["intent"] = {"name": "book_appointment", "confidence": 0.9}
    parse["intent_ranking"] = [parse["intent"]]
    result = build_suggestions("我想预约律师咨询", parse)
    assert result.suggestions[0].action.kind == "booking"
    assert result.suggestions[0].action.label == "代为预约"


def test_suggestions_keep_coming_when_the_engine_is_down(
    client: TestClient, engine: FakeEngine
) -> None:
    engine.down = True
    body = client.post("/api/v1/suggest", json={"text": "产假有多少天"}).json()
    assert body["engine"] == "down" and body["intent"] is None
    assert len(body["suggestions"]) == 3
    assert body["suggestions"][0]["intent"] == "maternity_leave"


def test_the_console_needs_an_operators_login(client: TestClient) -> None:
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    assert client.post("/console/api/presence", json={}).status_code == 401
    assert client.get("/console/api/thread", params={"sender_id": "web:x"}).status_code == 401


def test_a_wrong_password_or_a_staff_account_cannot_enter(client: TestClient) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    create_account(database, "operator1")
    create_account(database, "staffer1", role=UserRole.staff)
    assert log_in(client, "operator1", "wrong-password-1")[0] == 400
    assert log_in(client, "staffer1")[0] == 400


def test_state_changes_need_the_sessions_csrf_token(client: TestClient) -> None:
    create_account(client.app.state.database, "operator2")  # type: ignore[attr-defined]
    status, csrf = log_in(client, "operator2")
    assert status == 200 and csrf
    assert client.post("/console/api/presence", json={}).status_code == 403
    response = client.post("/console/api/presence", json={}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json()["on_duty"] == 1


def test_the_operators_reply_goes_back_through_the_workers_own_channel(
    client: TestClient,
) -> None:
    create_account(client.app.state.database, "operator3")  # type: ignore[attr-defined]
    worker_browser = TestClient(client.app)
    # The worker (web chat) asks for a person while the operator is on duty.
    status, csrf = log_in(client, "operator3")
    assert status == 200
    headers = {"X-CSRF-Token": csrf}
    client.post("/console/api/presence", json={}, headers=headers)
    worker = open_chat(worker_browser)
    say(worker_browser, "转人工")
    queue = client.post("/console/api/presence", json={}, headers=headers).json()["queue"]
    sender = f"web:{worker}"
    assert [h["sender_id"] for h in queue] == [sender]
    assert worker not in queue[0]["who"]  # the console shows a masked id
    reply = client.post(
        "/console/api/reply",
        json={"sender_id": sender, "text": "您好，我是接线员。"},
        headers=headers,
    )
    assert reply.json() == {"delivered": True}
    outbox = worker_browser.get("/chat/api/outbox", headers=CHAT_HEADERS).json()
    assert [r["text"] for r in outbox["replies"]] == ["您好，我是接线员。"]
    thread = client.get("/console/api/thread", params={"sender_id": sender}).json()
    assert thread["handoff"]["status"] == "active" and thread["handoff"]["operator"] == "operator3"
    assert [line["who"] for line in thread["lines"]][-1] == "operator"
    closed = client.post("/console/api/close", json={"sender_id": sender}, headers=headers)
    assert closed.json() == {"closed": True}
    assert (
        "人工服务已结束"
        in worker_browser.get("/chat/api/outbox", headers=CHAT_HEADERS).json()["replies"][0]["text"]
    )


def test_a_reply_to_a_telegram_worker_is_sent_with_the_bot_api(
    client: TestClient,
) -> None:
    from telegram import Bot

    recording = RecordingTelegramRequest()
    client.app.state.channels.telegram._bot = Bot("123456:TEST-TOKEN", request=recording)  # type: ignore[attr-defined]
    create_account(client.app.state.database, "operator4")  # type: ignore[attr-defined]
    _, csrf = log_in(client, "operator4")
    desk = client.app.state.channels.desk  # type: ignore[attr-defined]
    client.portal.call(
        lambda: desk.open(channel="telegram", user_id="7011223344", reason="asked", context=[])
    )  # type: ignore[union-attr]
    response = client.post(
        "/console/api/reply",
        json={"sender_id": "telegram:7011223344", "text": "您好，我是接线员。"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.json() == {"delivered": True}
    assert recording.sent_texts() == ["您好，我是接线员。"]


def test_one_click_starts_a_walkthrough_in_the_calls_own_conversation(
    client: TestClient, engine: FakeEngine
) -> None:
    create_account(client.app.state.database, "operator5")  # type: ignore[attr-defined]
    _, csrf = log_in(client, "operator5")
    response = client.post(
        "/console/api/assist",
        json={"text": "/three_period_dismissal", "province": "山东省"},
        headers={"X-CSRF-Token": csrf},
    )
    body = response.json()
    assert response.status_code == 200 and body["call_id"]
    sender, text = engine.messages[-1]
    assert sender.startswith("console:") and text == "/three_period_dismissal"
    assert body["replies"][0]["citations"]


def test_a_clear_question_is_followed_by_its_next_steps() -> None:
    parse = {
        "intent": {"name": "three_period_dismissal", "confidence": 0.99},
        "entities": [],
        "intent_ranking": [
            {"name": "three_period_dismissal", "confidence": 0.99},
            {"name": "unlawful_termination", "confidence": 0.005},
        ],
    }
    result = build_suggestions("我在济南，怀孕五个月了，公司说要辞退我", parse)
    assert [(s.intent, s.source) for s in result.suggestions] == [
        ("three_period_dismissal", "engine"),
        ("unlawful_termination", "follow_up"),
        ("arbitration_procedure", "follow_up"),
    ]


def test_every_follow_up_names_an_answer_of_the_knowledge_base() -> None:
    from bot.console.suggest import FOLLOW_UPS
    from knowledge.loader import load_knowledge

    answers = load_knowledge().answers
    named = {intent for key, rest in FOLLOW_UPS.items() for intent in (key, *rest)}
    assert named <= set(answers)
