"""Fixtures for the booking store tests: a migrated database (PostgreSQL and SQLite),
a demo station with a schedule, and the runtime objects the service needs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.booking import service
from bot.booking.crypto import PhoneCipher
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.runtime import BookingRuntime
from bot.store.db import make_engine, session_scope
from bot.store.migrate import upgrade
from bot.store.models import AppointmentSlot, Service, Station, StationSchedule

# Wednesday 2 December 2026, 08:00 in China: the clock of every booking test.
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=CHINA_TZ)
SECRET = "test-phone-key-0123456789abcdef"


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'booking.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def cipher() -> PhoneCipher:
    return PhoneCipher(SECRET)


@pytest.fixture
def policy() -> BookingPolicy:
    return BookingPolicy(horizon_days=28, min_notice_hours=2, cutoff_hours=24)


def add_station(
    engine: Engine, *, code: str = "demo-jinan", city: str = "济南市", province: str = "山东省"
) -> int:
    """A station receiving workers on Wednesdays (reception day) and Fridays (legal aid)."""
    with session_scope(engine) as session:
        station = Station(
            code=code,
            name=f"演示·{city}维权工作站",
            province=province,
            city=city,
            address="演示地址",
            phone="12351",
            services=["reception_day", "legal_aid"],
            is_demo=True,
            schedules=[
                StationSchedule(
                    service=Service.reception_day,
                    weekday=2,
                    start_time=time(9),
                    end_time=time(11, 40),
                    slot_minutes=30,
                    seats=3,
                    buffer_minutes=10,
                ),
                StationSchedule(
                    service=Service.legal_aid,
                    weekday=4,
                    start_time=time(9),
                    end_time=time(11, 30),
                    slot_minutes=45,
                    seats=1,
                    buffer_minutes=15,
                ),
            ],
        )
        session.add(station)
        session.flush()
        return station.id


def book(
    session: Session,
    runtime: BookingRuntime,
    slot_id: int,
    *,
    now: datetime,
    policy: BookingPolicy | None = None,
    person_name: str = "王芳",
    phone: str = "13812345678",
    channel: str = "wechat",
    channel_user_id: str = "wx-1",
    **request: Any,
) -> service.BookingOutcome:
    """One booking through the service, as a worker's chat would make it."""
    return service.book(
        session=session,
        request=service.BookingRequest(
            slot_id=slot_id,
            person_name=person_name,
            phone=phone,
            channel=channel,
            channel_user_id=channel_user_id,
            **request,
        ),
        now=now,
        policy=policy or runtime.policy,
        cipher=runtime.cipher,
    )


def add_slot(engine: Engine, station_id: int, *, starts_at: datetime, capacity: int = 3) -> int:
    with session_scope(engine) as session:
        slot = AppointmentSlot(
            station_id=station_id,
            service=Service.reception_day,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            capacity=capacity,
        )
        session.add(slot)
        session.flush()
        return slot.id


@pytest.fixture
def station_id(engine: Engine) -> int:
    return add_station(engine)


@pytest.fixture
def slot_id(engine: Engine, station_id: int) -> int:
    """A 3-seat slot next Wednesday 9:00 (well inside notice and horizon)."""
    return add_slot(engine, station_id, starts_at=datetime(2026, 12, 9, 9, 0, tzinfo=CHINA_TZ))


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
