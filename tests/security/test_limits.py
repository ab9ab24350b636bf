"""Request size limits (413) and per-user rate limits, and that both fail open on Redis."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import redis.asyncio as aioredis
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from bot.auth import service as accounts
from bot.channels.flood import FLOOD_DAY_TEXT, FLOOD_MINUTE_TEXT, FloodGuard
from bot.channels.telegram import MAX_BODY_BYTES as TELEGRAM_MAX_BODY_BYTES
from bot.channels.wechat import MAX_BODY_BYTES as WECHAT_MAX_BODY_BYTES
from bot.gateway.app import create_app
from bot.gateway.limits import DEFAULT_MAX_BODY_BYTES, TOO_LARGE_TEXT, TOO_MANY_TEXT, BodySizeLimit
from bot.redis_client import make_redis
from bot.store.db import session_scope
from bot.store.migrate import upgrade
from bot.store.models import UserRole
from tests.security.conftest import TELEGRAM_HEADERS, TELEGRAM_SECRET, gateway_settings, start
from tests.support.ports import free_port
from tests.unit.channels.fakes import FakeEngine
from tests.unit.channels.wechat_support import reply_content, signed_params, text_xml

KIB = 1024
PASSWORD = "a-good-password-7"
MIB = 1024 * KIB

# -- body size ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        pytest.param("/wechat", WECHAT_MAX_BODY_BYTES, id="wechat"),
        pytest.param("/telegram/secret", TELEGRAM_MAX_BODY_BYTES, id="telegram"),
        pytest.param("/api/v1/messages", 32 * KIB, id="api-messages"),
        pytest.param("/api/v1/suggest", 32 * KIB, id="api-suggest"),
        pytest.param("/chat/api/messages", 32 * KIB, id="web-chat"),
        pytest.param("/staff/appointments/1/notes", 2 * MIB, id="staff-forms"),
        pytest.param("/console/api/reply", 2 * MIB, id="console"),
        pytest.param("/chat", DEFAULT_MAX_BODY_BYTES, id="other-paths"),
        pytest.param("/wechatx", DEFAULT_MAX_BODY_BYTES, id="not-a-prefix-of-a-word"),
    ],
)
def test_each_path_accepts_what_it_can_legitimately_receive(path: str, limit: int) -> None:
    assert BodySizeLimit(app=_never_called).limit_for(path) == limit


async def _never_called(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("the application must not run")


def test_the_wechat_limit_is_the_one_the_channel_itself_enforces() -> None:
    assert WECHAT_MAX_BODY_BYTES == 64 * KIB


@pytest.mark.parametrize(
    ("path", "size"),
    [
        pytest.param("/wechat", 64 * KIB + 1, id="wechat"),
        pytest.param(f"/telegram/{TELEGRAM_SECRET}", 256 * KIB + 1, id="telegram"),
        pytest.param("/api/v1/messages", 32 * KIB + 1, id="api-messages"),
        pytest.param("/staff/login", 2 * MIB + 1, id="staff-login"),
    ],
)
def test_a_declared_body_over_the_limit_is_refused_with_413_before_the_route_runs(
    client: TestClient, engine: FakeEngine, path: str, size: int
) -> None:
    response = client.post(
        path,
        params=signed_params(),
        content=b"x" * size,
        headers={**TELEGRAM_HEADERS, "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 413
    assert response.text == TOO_LARGE_TEXT
    assert response.headers["content-type"].startswith("text/plain")
    assert engine.messages == []


def test_a_body_under_the_limit_reaches_the_route(client: TestClient) -> None:
    text = "长" * 9000  # 27 KB of JSON: under the API's 32 KiB, over its 2000 characters
    response = client.post("/api/v1/messages", json={"user_id": "u-1", "text": text})
    assert response.status_code == 422


def test_a_chunked_body_without_content_length_is_counted_and_refused(
    client: TestClient, engine: FakeEngine
) -> None:
    xml = text_xml("你好" + "啊" * 30000, "chunked-1").encode()  # ≈ 90 KB of valid XML

    def chunks() -> Iterator[bytes]:
        for offset in range(0, len(xml), 8 * KIB):
            yield xml[offset : offset + 8 * KIB]

    response = client.post("/wechat", params=signed_params(), content=chunks())
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert engine.messages == []


def _http_scope(path: str = "/upload") -> Scope:
    return {"type": "http", "method": "POST", "path": path, "headers": []}


class Streamed:
    """An ASGI ``receive`` delivering a body in chunks, counting how many were taken."""

    def __init__(self, chunks: int, size: int) -> None:
        self.left = chunks
        self.size = size
        self.taken = 0

    async def __call__(self) -> Message:
        self.taken += 1
        self.left -= 1
        return {"type": "http.request", "body": b"x" * self.size, "more_body": self.left > 0}


async def _read_all_then_ok(scope: Scope, receive: Receive, send: Send) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _swallow_errors_then_ok(scope: Scope, receive: Receive, send: Send) -> None:
    try:
        while (await receive()).get("more_body"):
            pass
    except Exception:
        pass  # a careless route that answers 200 whatever happened
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(_read_all_then_ok, id="route-lets-the-error-through"),
        pytest.param(_swallow_errors_then_ok, id="route-swallows-the-error"),
    ],
)
async def test_a_streamed_body_stops_being_read_as_soon_as_it_passes_the_limit(
    route: Any,
) -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    stream = Streamed(chunks=100, size=KIB)
    await BodySizeLimit(route, default_bytes=4 * KIB, limits=())(_http_scope(), stream, send)
    assert stream.taken == 5  # 4 KiB allowed; the fifth chunk passed the limit
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert sent[1]["body"].decode() == TOO_LARGE_TEXT


async def test_a_streamed_body_within_the_limit_is_passed_on_whole() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    stream = Streamed(chunks=4, size=KIB)
    await BodySizeLimit(_read_all_then_ok, default_bytes=4 * KIB, limits=())(
        _http_scope(), stream, send
    )
    assert stream.taken == 4
    assert sent[0]["status"] == 200


# -- per-sender message rate ----------------------------------------------------------


async def test_the_guard_refuses_past_the_minute_limit_and_counts_each_sender_apart() -> None:
    guard = FloodGuard(fakeredis.FakeAsyncRedis(decode_responses=True), per_minute=3, per_day=50)
    assert [await guard.check("wechat:a") for _ in range(3)] == [None, None, None]
    refusal = await guard.check("wechat:a")
    assert refusal is not None and refusal.window == "minute"
    assert refusal.text == FLOOD_MINUTE_TEXT and 0 < refusal.retry_after_s <= 60
    assert await guard.check("wechat:b") is None
    assert await guard.check("telegram:a") is None


async def test_the_guard_refuses_past_the_daily_limit_even_when_minutes_pass() -> None:
    guard = FloodGuard(fakeredis.FakeAsyncRedis(decode_responses=True), per_minute=0, per_day=2)
    assert await guard.check("web:x") is None
    assert await guard.check("web:x") is None
    refusal = await guard.check("web:x")
    assert refusal is not None and refusal.window == "day" and refusal.text == FLOOD_DAY_TEXT
    assert 60 < refusal.retry_after_s <= 24 * 3600


def test_the_refusal_texts_tell_her_to_wait_and_whom_to_call() -> None:
    assert "一分钟" in FLOOD_MINUTE_TEXT and "明天" in FLOOD_DAY_TEXT
    for text in (FLOOD_MINUTE_TEXT, FLOOD_DAY_TEXT):
        assert "12338" in text and "12333" in text


@pytest.fixture
def limited_client(tmp_path: Path, engine: FakeEngine) -> Iterator[TestClient]:
    settings = gateway_settings(tmp_path, message_rate_per_minute=3, console_rate_per_minute=3)
    upgrade(settings.effective_database_url)
    app = create_app(settings, engine_transport=engine.transport())
    with TestClient(app, follow_redirects=False) as test_client:
        start(app)
        yield test_client


def test_past_the_limit_a_wechat_worker_is_asked_to_wait_and_the_engine_is_spared(
    limited_client: TestClient, engine: FakeEngine
) -> None:
    def say(text: str, msg_id: str, user: str = "oFlood1") -> str:
        response = limited_client.post(
            "/wechat", params=signed_params(), content=text_xml(text, msg_id, user).encode()
        )
        assert response.status_code == 200
        return reply_content(response.text)

    answers = [say(f"问题{n}", f"flood-{n}") for n in range(4)]
    assert answers[:3] == ["收到：问题0", "收到：问题1", "收到：问题2"]
    assert answers[3] == FLOOD_MINUTE_TEXT
    assert say("你好", "flood-other", user="oSomeoneElse") != FLOOD_MINUTE_TEXT
    assert [text for sender, text in engine.messages if sender == "wechat:oFlood1"] == [
        "问题0",
        "问题1",
        "问题2",
    ]


def test_past_the_limit_the_json_api_answers_429_with_the_reply_to_show(
    limited_client: TestClient, engine: FakeEngine
) -> None:
    message = {"channel": "cli", "user_id": "flood-api", "text": "你好"}
    codes = [limited_client.post("/api/v1/messages", json=message).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    refused = limited_client.post("/api/v1/messages", json=message)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.json()["replies"][0]["text"] == FLOOD_MINUTE_TEXT
    assert len(engine.messages) == 3


def test_operator_suggestions_are_limited_per_address_with_429(
    limited_client: TestClient,
) -> None:
    codes = [
        limited_client.post("/api/v1/suggest", json={"text": "产假多少天"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    refused = limited_client.post("/api/v1/suggest", json={"text": "产假多少天"})
    assert refused.json()["detail"] == TOO_MANY_TEXT
    assert 0 < int(refused.headers["retry-after"]) <= 60


def test_a_logged_in_operator_is_counted_apart_from_her_address(
    limited_client: TestClient,
) -> None:
    database = limited_client.app.state.database  # type: ignore[attr-defined]
    with session_scope(database) as session:
        accounts.create_user(
            session=session, username="op-rate", password=PASSWORD, role=UserRole.operator
        )
    form = limited_client.get("/console/login").text  # the address's 1st request
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    login = {"username": "op-rate", "password": PASSWORD, "csrf_token": token.group(1)}
    assert limited_client.post("/console/login", data=login).status_code == 303  # 2nd
    # The session cookie is for /console only: suggestions count against the address.
    suggestions = [
        limited_client.post("/api/v1/suggest", json={"text": "产假"}).status_code for _ in range(2)
    ]
    assert suggestions == [200, 429]
    own = limited_client.get("/console/api/thread", params={"sender_id": "web:x"})
    assert own.status_code == 404  # her own allowance: past the limiter, nothing to show


# -- Redis down: fail open ------------------------------------------------------------


def _stopped_redis() -> aioredis.Redis:
    """The gateway's own client, for a Redis that is not running (nothing on the port)."""
    return make_redis(f"redis://127.0.0.1:{free_port()}/0")


async def test_with_redis_down_the_guard_lets_every_message_through_and_logs_no_sender(
    caplog: pytest.LogCaptureFixture,
) -> None:
    guard = FloodGuard(_stopped_redis(), per_minute=1, per_day=1)
    with caplog.at_level(logging.WARNING, logger="bot.channels.flood"):
        results = [await guard.check("wechat:oSecretOpenId") for _ in range(3)]
    assert results == [None, None, None]
    assert caplog.records and all(r.levelno == logging.WARNING for r in caplog.records)
    assert "oSecretOpenId" not in caplog.text


def test_with_redis_down_the_api_still_answers(
    tmp_path: Path, engine: FakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    settings = gateway_settings(
        tmp_path,
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
        message_rate_per_minute=1,
        console_rate_per_minute=1,
    )
    upgrade(settings.effective_database_url)
    app = create_app(settings, engine_transport=engine.transport())
    message = {"channel": "cli", "user_id": "redis-down", "text": "我怀孕了，公司要辞退我"}
    with TestClient(app) as client, caplog.at_level(logging.WARNING):
        answers = [client.post("/api/v1/messages", json=message) for _ in range(2)]
        suggestions = [client.post("/api/v1/suggest", json={"text": "产假"}) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert [r.status_code for r in suggestions] == [200, 200]
    assert len(engine.messages) == 2
    assert "redis-down" not in caplog.text and "辞退" not in caplog.text
    assert json.dumps(answers[0].json(), ensure_ascii=False).count("第四十二条") >= 1
