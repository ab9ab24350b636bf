"""The channels against a real Redis (and PostgreSQL): what several gateway processes share.

Two gateway apps stand for two gateway processes behind one address: a WeChat retry that
reaches the other process is still answered once, the access token fetched by one is used
by the other, and the handoff queue is the same for both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from bot.channels.ledger import MessageLedger, Outcome
from bot.channels.wechat_api import WeChatApi, make_wechat_client
from bot.console.handoff import HandoffDesk
from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.migrate import upgrade
from tests.unit.channels.console_support import create_account, log_in
from tests.unit.channels.fakes import ART_42, FakeEngine, FakeWeChatApi
from tests.unit.channels.test_handoff_and_webchat import CHAT_HEADERS, open_chat, say
from tests.unit.channels.wechat_support import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    reply_content,
    signed_params,
    text_xml,
)

pytestmark = pytest.mark.integration


def make_settings(tmp_path: Path, database_url: str, redis_url: str) -> Settings:
    return Settings(
        _env_file=None,
        var_dir=tmp_path,
        hotline_env="test",
        database_url=database_url,
        redis_url=redis_url,
        action_server_url="http://127.0.0.1:9/webhook",
        wechat_token=TOKEN,
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_encoding_aes_key=AES_KEY,
        channel_reply_budget_s=2.0,
    )


@pytest.fixture
def settings(tmp_path: Path, pg_url: str, redis_url: str) -> Settings:
    upgrade(pg_url)
    redis.Redis.from_url(redis_url).flushdb()
    return make_settings(tmp_path, pg_url, redis_url)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def two_gateways(settings: Settings, engine: FakeEngine) -> Iterator[tuple[TestClient, TestClient]]:
    first = create_app(settings, engine_transport=engine.transport())
    second = create_app(settings, engine_transport=engine.transport())
    with TestClient(first) as one, TestClient(second) as two:
        yield one, two


def test_retries_spread_over_two_gateways_reach_the_engine_once(
    two_gateways: tuple[TestClient, TestClient], engine: FakeEngine
) -> None:
    engine.delay_s = 0.4
    xml = text_xml("我怀孕了，公司要辞退我", "7001").encode()
    params = signed_params()

    def send(index: int) -> tuple[int, str]:
        client = two_gateways[index % 2]
        response = client.post("/wechat", params=params, content=xml)
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert len(engine.messages) == 1
    assert all(status == 200 for status, _ in results)
    answers = {reply_content(body) for _, body in results if body != "success"}
    assert len(answers) == 1 and ART_42 in answers.pop()


async def test_concurrent_claims_on_real_redis_have_exactly_one_winner(redis_url: str) -> None:
    clients = [aioredis.Redis.from_url(redis_url, decode_responses=True) for _ in range(5)]
    try:
        ledgers = [MessageLedger(client) for client in clients]
        claims = await asyncio.gather(*(ledger.claim("wechat", "race-1") for ledger in ledgers))
        assert sum(claim.first for claim in claims) == 1
        winner = next(claim for claim in claims if claim.first)
        loser = next(claim for claim in claims if not claim.first)
        waiting = asyncio.create_task(ledgers[1].wait(loser, timeout_s=2.0))
        await asyncio.sleep(0.1)
        await ledgers[0].finish(winner, Outcome("answered", ["答复"]))
        assert await waiting == Outcome("answered", ["答复"])
    finally:
        for client in clients:
            await client.aclose()


def test_the_access_token_is_cached_in_redis_for_every_process(
    settings: Settings, redis_url: str
) -> None:
    fake = FakeWeChatApi()
    first, second = make_wechat_client(settings), make_wechat_client(settings)
    for client in (first, second):
        client._http.mount("https://", fake)
    asyncio.run(WeChatApi(first).send_texts("oWorker1", ["第一条"]))
    asyncio.run(WeChatApi(second).send_texts("oWorker1", ["第二条"]))
    assert fake.token_fetches == 1
    assert [m["text"]["content"] for m in fake.sent] == ["第一条", "第二条"]
    stored = redis.Redis.from_url(redis_url)
    key = f"wechatpy:{APP_ID}_access_token"
    assert stored.get(key) == b'"token-1"'
    assert 0 < stored.ttl(key) <= 7200


async def test_operators_on_duty_expire_after_a_minute_without_heartbeat(redis_url: str) -> None:
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        desk = HandoffDesk(client)
        await desk.heartbeat("op-now")
        await client.zadd(HandoffDesk.OPERATORS, {"op-gone": 1.0})
        assert await desk.operators_on_duty() == 1
        await desk.sign_off("op-now")
        assert await desk.operators_on_duty() == 0
    finally:
        await client.aclose()


def test_a_handoff_opened_on_one_gateway_is_answered_from_the_other(
    two_gateways: tuple[TestClient, TestClient],
) -> None:
    worker_side, operator_side = two_gateways
    create_account(operator_side.app.state.database, "operator-pg")  # type: ignore[attr-defined]
    status, csrf = log_in(operator_side, "operator-pg")
    assert status == 200
    headers = {"X-CSRF-Token": csrf}
    operator_side.post("/console/api/presence", json={}, headers=headers)
    worker = open_chat(worker_side)
    say(worker_side, "转人工")
    queue = operator_side.post("/console/api/presence", json={}, headers=headers).json()["queue"]
    assert [h["sender_id"] for h in queue] == [f"web:{worker}"]
    reply = operator_side.post(
        "/console/api/reply",
        json={"sender_id": f"web:{worker}", "text": "您好，我是接线员。"},
        headers=headers,
    )
    assert reply.json() == {"delivered": True}
    outbox = worker_side.get("/chat/api/outbox", headers=CHAT_HEADERS).json()
    assert [r["text"] for r in outbox["replies"]] == ["您好，我是接线员。"]
