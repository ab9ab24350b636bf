"""Human handoff across channels, and the web chat's API (identity cookie, outbox)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.channels.relay import HANDOFF_OFFLINE_TEXT, HANDOFF_ONLINE_TEXT
from tests.unit.channels.fakes import ART_42, FakeEngine
from tests.unit.channels.test_wechat_protocol import post as post_wechat
from tests.unit.channels.wechat_support import reply_content, text_xml

CHAT_HEADERS = {"X-Requested-With": "hotline-chat"}


def open_chat(client: TestClient) -> str:
    response = client.get("/chat")
    assert response.status_code == 200
    return response.cookies.get("hotline_chat") or client.cookies.get("hotline_chat") or ""


def say(client: TestClient, text: str, payload: str | None = None) -> dict:  # type: ignore[type-arg]
    body = {"text": text} if payload is None else {"text": text, "payload": payload}
    response = client.post("/chat/api/messages", json=body, headers=CHAT_HEADERS)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def desk(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.channels.desk  # type: ignore[attr-defined]


def test_the_chat_page_is_chinese_accessible_and_sets_an_identity_cookie(
    client: TestClient,
) -> None:
    response = client.get("/chat")
    assert '<html lang="zh-CN">' in response.text
    assert 'role="log"' in response.text and '<label for="message"' in response.text
    cookie = response.headers["set-cookie"]
    assert "hotline_chat=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_a_web_chat_message_is_answered_in_the_cookies_conversation(
    client: TestClient, engine: FakeEngine
) -> None:
    worker = open_chat(client)
    body = say(client, "我怀孕了，公司要辞退我")
    assert ART_42 in body["replies"][0]["citations"]
    assert engine.messages == [(f"web:{worker}", "我怀孕了，公司要辞退我")]


def test_a_tapped_button_sends_its_payload(client: TestClient, engine: FakeEngine) -> None:
    open_chat(client)
    say(client, "怀孕被辞退", payload="/three_period_dismissal")
    assert engine.messages[-1][1] == "/three_period_dismissal"


def test_the_chat_api_refuses_requests_without_its_header_or_cookie(client: TestClient) -> None:
    open_chat(client)
    assert client.post("/chat/api/messages", json={"text": "你好"}).status_code == 403
    client.cookies.clear()
    response = client.post("/chat/api/messages", json={"text": "你好"}, headers=CHAT_HEADERS)
    assert response.status_code == 401


def test_asking_for_a_person_with_nobody_on_duty_says_so_with_the_hotlines(
    client: TestClient,
) -> None:
    worker = open_chat(client)
    body = say(client, "转人工")
    texts = [r["text"] for r in body["replies"]]
    assert texts[-1] == HANDOFF_OFFLINE_TEXT and "12338" in texts[-1]
    queue = client.portal.call(desk(client).queue)  # type: ignore[union-attr]
    assert [(h.sender_id, h.reason, h.status) for h in queue] == [
        (f"web:{worker}", "asked", "waiting")
    ]


def test_two_misunderstood_messages_in_a_row_reach_the_queue_with_their_context(
    client: TestClient,
) -> None:
    worker = open_chat(client)
    say(client, "??? 第一句")
    body = say(client, "??? 第二句")
    assert body["replies"][-1]["text"] == HANDOFF_OFFLINE_TEXT
    handoff = client.portal.call(desk(client).get, f"web:{worker}")  # type: ignore[union-attr]
    assert handoff is not None and handoff.reason == "fallback"
    lines = client.portal.call(desk(client).thread, f"web:{worker}")  # type: ignore[union-attr]
    assert [line.text for line in lines] == ["??? 第一句", "??? 第二句"]


def test_with_an_operator_on_duty_the_worker_talks_to_her_and_hears_back(
    client: TestClient, engine: FakeEngine
) -> None:
    worker = open_chat(client)
    client.portal.call(desk(client).heartbeat, "op1")  # type: ignore[union-attr]
    assert say(client, "转人工")["replies"][-1]["text"] == HANDOFF_ONLINE_TEXT
    seen = len(engine.messages)
    body = say(client, "公司上个月开始不给我排班了")
    assert body["with_person"] is True
    assert len(engine.messages) == seen  # the assistant stays out of it
    lines = client.portal.call(desk(client).thread, f"web:{worker}")  # type: ignore[union-attr]
    assert lines[-1].who == "worker" and lines[-1].text == "公司上个月开始不给我排班了"
    deliveries = client.app.state.channels.deliveries  # type: ignore[attr-defined]
    from bot.conversation import Reply

    client.portal.call(deliveries.deliver, "web", worker, [Reply(text="您好，我是接线员小王。")])  # type: ignore[union-attr]
    outbox = client.get("/chat/api/outbox", headers=CHAT_HEADERS).json()
    assert [r["text"] for r in outbox["replies"]] == ["您好，我是接线员小王。"]
    assert client.get("/chat/api/outbox", headers=CHAT_HEADERS).json()["replies"] == []


def test_after_the_operator_closes_the_assistant_answers_again(
    client: TestClient, engine: FakeEngine
) -> None:
    open_chat(client)
    client.portal.call(desk(client).heartbeat, "op1")  # type: ignore[union-attr]
    say(client, "转人工")
    worker = client.cookies.get("hotline_chat")
    client.portal.call(desk(client).close, f"web:{worker}")  # type: ignore[union-attr]
    body = say(client, "我怀孕了，公司要辞退我")
    assert ART_42 in body["replies"][0]["citations"]


def test_a_wechat_worker_asking_for_a_person_enters_the_same_queue(client: TestClient) -> None:
    _, body = post_wechat(client, text_xml("转人工", "3001", user="oWorkerHandoff"))
    assert "12338" in reply_content(body)
    queue = client.portal.call(desk(client).queue)  # type: ignore[union-attr]
    assert any(h.sender_id == "wechat:oWorkerHandoff" for h in queue)
