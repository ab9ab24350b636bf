"""``hotline purge`` erases what is past its retention period and nothing else — on the
embedded SQLite files and on real PostgreSQL (tracker store and bookings in one database),
and in real Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis
from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, select

from bot.booking import service
from bot.booking.crypto import PhoneCipher
from bot.booking.policy import BookingPolicy
from bot.console.handoff import THREAD_TTL_S, HandoffDesk, ThreadLine
from bot.privacy.redis_keys import purge_redis
from bot.store.db import make_engine, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment
from tests.integration.booking.conftest import NOW, SECRET, add_slot, add_station

pytestmark = pytest.mark.integration

HOTLINE = str(Path(sys.executable).parent / "hotline")
DAY = 24 * 3600.0

# Rasa 3.6's table (SQLTrackerStore.SQLEvent), as the engine creates it.
RASA_EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# sender → ages (days before NOW) of its events, oldest first
CONVERSATIONS = {
    "wechat:silent-100-days": (130, 120, 100),
    "wechat:came-back-yesterday": (200, 150, 1),
    "telegram:silent-89-days": (95, 89),
}


@dataclass
class Deployment:
    env: dict[str, str]
    booking: Engine
    tracker: Engine

    def purge(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HOTLINE, "purge", "--now", NOW.isoformat(), *args],
            env={**self.env, **env},
            cwd=self.env["VAR_DIR"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def senders(self) -> dict[str, int]:
        with self.tracker.connect() as connection:
            rows = connection.execute(select(RASA_EVENTS.c.sender_id)).scalars().all()
        return {sender: rows.count(sender) for sender in set(rows)}


def _add_conversations(engine: Engine) -> None:
    RASA_EVENTS.create(engine)
    now = NOW.timestamp()
    with engine.begin() as connection:
        for sender, ages in CONVERSATIONS.items():
            for age in ages:
                connection.execute(
                    RASA_EVENTS.insert().values(
                        sender_id=sender,
                        type_name="user",
                        timestamp=now - age * DAY,
                        intent_name="inform",
                        data=json.dumps({"event": "user", "text": "我怀孕了，公司要辞退我"}),
                    )
                )


def _book(engine: Engine, slot_id: int, *, user: str, now: datetime) -> None:
    with session_scope(engine) as session:
        service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot_id,
                person_name="王芳",
                phone="13812345678",
                channel="wechat",
                channel_user_id=user,
            ),
            now=now,
            policy=BookingPolicy(horizon_days=28, min_notice_hours=2, cutoff_hours=24),
            cipher=PhoneCipher(SECRET),
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """Bookings and conversations, some past their retention period, as a deployment
    keeps them: SQLite files under VAR_DIR, or one PostgreSQL database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL") and not key.endswith("_RETENTION_DAYS")
    }
    env.update(HOTLINE_ENV="test", VAR_DIR=str(tmp_path), PHONE_ENCRYPTION_KEY=SECRET)
    if request.param == "postgresql":
        url = str(request.getfixturevalue("pg_url"))
        env["DATABASE_URL"] = url
        booking = tracker = make_engine(url)
    else:
        url = f"sqlite:///{tmp_path / 'hotline.db'}"
        booking = make_engine(url)
        tracker = make_engine(f"sqlite:///{tmp_path / 'rasa_tracker.db'}")
    upgrade(url)
    station = add_station(booking)
    # 6 May 2026 (210 days before NOW) and 9 December 2026 (next week)
    long_ago = add_slot(booking, station, starts_at=NOW - timedelta(days=210, hours=-1))
    next_week = add_slot(booking, station, starts_at=NOW + timedelta(days=7, hours=1))
    _book(booking, long_ago, user="o-long-ago", now=NOW - timedelta(days=212))
    _book(booking, next_week, user="o-next-week", now=NOW)
    _add_conversations(tracker)
    try:
        yield Deployment(env=env, booking=booking, tracker=tracker)
    finally:
        booking.dispose()
        tracker.dispose()


def test_only_conversations_silent_past_the_retention_period_are_deleted(
    deployment: Deployment,
) -> None:
    result = deployment.purge("--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["conversations"]["deleted"] == 1
    assert report["conversations"]["events_deleted"] == 3
    assert report["conversations"]["retention_days"] == 90
    # a returning worker keeps her whole conversation, its old messages included
    assert deployment.senders() == {"wechat:came-back-yesterday": 3, "telegram:silent-89-days": 2}


def test_the_conversation_retention_period_is_a_setting(deployment: Deployment) -> None:
    result = deployment.purge("--json", CONVERSATION_RETENTION_DAYS="30")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["conversations"]["deleted"] == 2
    assert deployment.senders() == {"wechat:came-back-yesterday": 3}


def test_appointments_past_retention_lose_name_and_phone_and_others_keep_them(
    deployment: Deployment,
) -> None:
    result = deployment.purge("--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["appointments"] == {"erased": 1, "retention_days": 180}
    with session_scope(deployment.booking) as session:
        rows = {a.channel_user_id: a for a in session.scalars(select(Appointment))}
        kept = rows["o-next-week"]
        assert kept.person_name == "王芳" and kept.phone_encrypted and kept.erased_at is None
        erased = next(a for user, a in rows.items() if user.startswith("erased-"))
        assert erased.person_name == "（已删除）" and erased.phone_encrypted == b""


def test_a_second_run_finds_nothing_left_to_erase(deployment: Deployment) -> None:
    assert deployment.purge().returncode == 0
    again = json.loads(deployment.purge("--json").stdout)
    assert again["conversations"] == {
        "deleted": 0,
        "events_deleted": 0,
        "retention_days": 90,
        "store": deployment.tracker.dialect.name,
    }
    assert again["appointments"]["erased"] == 0


def test_the_report_for_people_counts_each_kind_in_chinese(deployment: Deployment) -> None:
    result = deployment.purge()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "对话记录：删除了 1 个超过 90 天没有新消息的对话（共 3 条记录）。",
        "预约：删除了 1 个预约中的姓名、手机号和备注（预约结束后保留 180 天）。",
        "Redis：未配置 REDIS_URL，消息只在网关进程的内存里，随进程结束清除。",
    ]


def test_json_report_shape(deployment: Deployment) -> None:
    report = json.loads(deployment.purge("--json").stdout)
    assert set(report) == {"now", "conversations", "appointments", "redis"}
    assert datetime.fromisoformat(report["now"]) == NOW
    assert report["redis"] is None  # no REDIS_URL: nothing shared to purge


def test_a_tracker_store_the_engine_never_created_is_left_alone(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(HOTLINE_ENV="test", VAR_DIR=str(tmp_path), PHONE_ENCRYPTION_KEY=SECRET)
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    result = subprocess.run(
        [HOTLINE, "purge", "--json"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["conversations"]["deleted"] == 0
    assert not (tmp_path / "rasa_tracker.db").exists()


# --- Redis -----------------------------------------------------------------------------


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url.rsplit("/", 1)[0] + "/7", decode_responses=True)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.flushdb()
        await client.aclose()


async def test_redis_texts_without_expiry_are_deleted_when_old_and_expire_otherwise(
    redis_client: aioredis.Redis,
) -> None:
    old, recent = NOW.timestamp() - 100 * DAY, NOW.timestamp() - DAY
    line = {"who": "worker", "text": "我的电话是13812345678"}
    await redis_client.rpush("handoff:thread:wechat:old", json.dumps({**line, "at": old}))
    await redis_client.rpush("handoff:thread:wechat:recent", json.dumps({**line, "at": recent}))
    await redis_client.rpush("outbox:web:w1", json.dumps({"text": "您的预约"}))  # age unknown
    await redis_client.rpush("wechat:pages:wechat:o1", "第二页")
    await redis_client.expire("wechat:pages:wechat:o1", 600)  # written as it should be
    await redis_client.set("unrelated:counter", "1")

    result = await purge_redis(redis_client, cutoff=NOW - timedelta(days=90))

    assert (result.deleted, result.expiry_set) == (1, 2)
    assert not await redis_client.exists("handoff:thread:wechat:old")
    assert 0 < await redis_client.ttl("handoff:thread:wechat:recent") <= THREAD_TTL_S
    assert 0 < await redis_client.ttl("outbox:web:w1") <= 24 * 3600
    assert 0 < await redis_client.ttl("wechat:pages:wechat:o1") <= 600
    assert await redis_client.ttl("unrelated:counter") == -1  # not a text key: not ours


async def test_handoff_queue_entries_whose_conversation_expired_are_removed(
    redis_client: aioredis.Redis,
) -> None:
    desk = HandoffDesk(redis_client)
    context = [ThreadLine(who="worker", text="转人工", at=time.time())]
    await desk.open(channel="wechat", user_id="waiting", reason="asked", context=context)
    await redis_client.zadd(HandoffDesk.QUEUE, {"wechat:expired-long-ago": 1.0})

    result = await purge_redis(redis_client, cutoff=NOW - timedelta(days=90))

    assert result.queue_entries_removed == 1
    assert [h.sender_id for h in await desk.queue()] == ["wechat:waiting"]
    assert await redis_client.zrange(HandoffDesk.QUEUE, 0, -1) == ["wechat:waiting"]


def test_with_redis_url_the_cli_purges_redis_and_reports_it(tmp_path: Path, redis_url: str) -> None:
    url = redis_url.rsplit("/", 1)[0] + "/6"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(HOTLINE_ENV="test", VAR_DIR=str(tmp_path), PHONE_ENCRYPTION_KEY=SECRET)
    env["REDIS_URL"] = url
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    client = redis.Redis.from_url(url, decode_responses=True)
    client.flushdb()
    at = NOW.timestamp() - 100 * DAY
    old = {"who": "worker", "text": "我叫王芳", "at": at}
    client.rpush("handoff:thread:telegram:1", json.dumps(old, ensure_ascii=False))
    client.zadd(HandoffDesk.QUEUE, {"telegram:1": at})
    try:
        result = subprocess.run(
            [HOTLINE, "purge", "--now", NOW.isoformat(), "--json"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["redis"] == {
            "deleted": 1,
            "expiry_set": 0,
            "queue_entries_removed": 1,
        }
        assert client.dbsize() == 0
    finally:
        client.flushdb()
        client.close()
