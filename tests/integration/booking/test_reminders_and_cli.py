"""Reminders the day before, through the worker's own channel; and the CLI contracts
(`hotline stations import`, `hotline staff create-user`, `hotline appointments list`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.booking import service
from bot.booking.crypto import PhoneCipher
from bot.booking.notify import MemoryNotifier, NotifierRegistry, Reminder
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.reminders import send_due_reminders
from bot.booking.runtime import booking_runtime
from bot.settings import PROJECT_ROOT, Settings
from bot.store.db import session_scope
from bot.store.models import Appointment
from tests.integration.booking.conftest import NOW

pytestmark = pytest.mark.integration

HOTLINE = str(Path(sys.executable).parent / "hotline")
EVE = datetime(2026, 12, 8, 18, 0, tzinfo=CHINA_TZ)  # the evening before 9 December


def _book(
    engine: Engine,
    cipher: PhoneCipher,
    policy: BookingPolicy,
    slot_id: int,
    channel: str,
    user: str,
) -> str:
    with session_scope(engine) as session:
        return service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot_id,
                person_name="王芳",
                phone="13812345678",
                channel=channel,
                channel_user_id=user,
            ),
            now=NOW,
            policy=policy,
            cipher=cipher,
        ).appointment.code


async def test_each_worker_is_reminded_once_through_the_channel_she_booked_from(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    wechat_code = _book(engine, cipher, policy, slot_id, "wechat", "o-1")
    telegram_code = _book(engine, cipher, policy, slot_id, "telegram", "42")
    unknown_code = _book(engine, cipher, policy, slot_id, "fax", "9")
    wechat, telegram = MemoryNotifier(), MemoryNotifier(refuse={"42"})
    registry = NotifierRegistry({"wechat": wechat, "telegram": telegram})

    results = {
        r.code: r for r in await send_due_reminders(engine=engine, registry=registry, now=EVE)
    }
    assert results[wechat_code].delivered
    assert not results[telegram_code].delivered and not results[unknown_code].delivered
    reminder: Reminder = wechat.sent[0]
    assert reminder.channel_user_id == "o-1" and reminder.appointment_code == wechat_code
    assert "明天" in reminder.text and reminder.fields["time"] == "2026-12-09 09:00"
    assert "13812345678" not in reminder.text

    again = await send_due_reminders(engine=engine, registry=registry, now=EVE)
    assert {r.code for r in again} == {telegram_code, unknown_code}  # WeChat: not twice
    with session_scope(engine) as session:
        reminded = session.scalars(
            select(Appointment.code).where(Appointment.reminder_sent_at.is_not(None))
        ).all()
    assert reminded == [wechat_code]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HOTLINE, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_command_line_imports_stations_creates_staff_and_lists_appointments(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "VAR_DIR": str(tmp_path), "HOTLINE_ENV": "test", "LOG_LEVEL": "WARNING"}
    for name in ("DATABASE_URL", "PHONE_ENCRYPTION_KEY", "SECRET_KEY"):
        env.pop(name, None)
    assert _cli(env, "db", "upgrade").returncode == 0
    demo = _cli(
        env, "stations", "import", str(PROJECT_ROOT / "data" / "stations.demo.yaml"), "--json"
    )
    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["demo"] is True
    csv_file = tmp_path / "more.csv"
    csv_file.write_text(
        "code,name,province,city,address,phone,services,service,weekday,start,end,slot_minutes,seats\n"
        "extra,演示·随州补充站,湖北省,随州市,演示地址,12333,reception_day,reception_day,3,09:00,10:00,30,1\n",
        encoding="utf-8",
    )
    assert (
        json.loads(_cli(env, "stations", "import", str(csv_file), "--json").stdout)["created"] == 1
    )
    bad = _cli(env, "stations", "import", str(tmp_path / "missing.yaml"))
    assert bad.returncode == 2 and "读不到文件" in bad.stderr

    user = _cli(
        env,
        "staff",
        "create-user",
        "--username",
        "jinan",
        "--station",
        "1",
        "--password",
        "a-good-password-7",
        "--json",
    )
    assert user.returncode == 0, user.stderr
    assert json.loads(user.stdout) == {
        "id": 1,
        "username": "jinan",
        "role": "staff",
        "station_id": 1,
    }
    weak = _cli(
        env, "staff", "create-user", "--username", "weak", "--station", "1", "--password", "123"
    )
    assert weak.returncode == 2 and "密码" in weak.stderr
    no_station = _cli(
        env, "staff", "create-user", "--username", "nostation", "--password", "a-good-password-7"
    )
    assert no_station.returncode == 2 and "--station" in no_station.stderr

    # The CLI's settings: the same VAR_DIR, so the same SQLite file and dev secrets.
    settings = Settings(var_dir=tmp_path, hotline_env="test")
    engine_url = settings.effective_database_url
    runtime = booking_runtime(settings)
    with session_scope(runtime.engine) as session:
        slots = service.free_slots(
            session=session,
            station_id=1,
            service="reception_day",
            now=datetime.now(CHINA_TZ),
            policy=runtime.policy,
            limit=1,
        )
        slot, day = slots[0].id, slots[0].starts_at.astimezone(CHINA_TZ).date().isoformat()
    with session_scope(runtime.engine) as session:
        service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot,
                person_name="王芳",
                phone="13812345678",
                channel="wechat",
                channel_user_id="o-1",
            ),
            now=datetime.now(CHINA_TZ),
            policy=runtime.policy,
            cipher=runtime.cipher,
        )
    listed = _cli(env, "appointments", "list", "--station", "1", "--date", day, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["phone_masked"] for r in rows] == [
        "138****5678"
    ] and "13812345678" not in listed.stdout
    assert rows[0]["starts_at"].startswith(day) and rows[0]["station_id"] == 1
    assert json.loads(_cli(env, "appointments", "list", "--station", "2", "--json").stdout) == []
    assert engine_url.startswith("sqlite")
