"""The one Alembic migration builds the same working schema on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import make_engine, session_scope
from bot.store.migrate import alembic_config, upgrade
from bot.store.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Base,
    Service,
    Station,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def migrated(database_url: str) -> Engine:
    upgrade(database_url)
    return make_engine(database_url)


def _station_and_slot(engine: Engine, capacity: int = 3) -> tuple[int, int]:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        station = Station(
            code="jinan-demo",
            name="济南市女职工劳动人事争议维权工作站（演示）",
            province="山东省",
            city="济南市",
            address="演示地址",
            services=[Service.reception_day.value],
            is_demo=True,
        )
        slot = AppointmentSlot(
            station=station,
            service=Service.reception_day,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            capacity=capacity,
        )
        session.add_all([station, slot])
        session.flush()
        return station.id, slot.id


def _appointment(station_id: int, slot_id: int, code: str, user: str) -> Appointment:
    return Appointment(
        code=code,
        slot_id=slot_id,
        station_id=station_id,
        service=Service.reception_day,
        person_name="测试",
        phone_encrypted=b"ciphertext",
        phone_lookup_hash="h" * 64,
        phone_last4="5678",
        channel="wechat",
        channel_user_id=user,
    )


def test_migration_creates_every_table(migrated: Engine) -> None:
    tables = set(inspect(migrated).get_table_names())
    assert {"stations", "appointment_slots", "appointments", "alembic_version"} <= tables


def test_models_match_the_migration(migrated: Engine) -> None:
    with migrated.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_seat_update_never_oversells(migrated: Engine) -> None:
    _, slot_id = _station_and_slot(migrated, capacity=1)
    take_seat = (
        update(AppointmentSlot)
        .where(
            AppointmentSlot.id == slot_id, AppointmentSlot.booked_count < AppointmentSlot.capacity
        )
        .values(booked_count=AppointmentSlot.booked_count + 1)
    )
    with session_scope(migrated) as session:
        assert session.execute(take_seat).rowcount == 1
    with session_scope(migrated) as session:
        assert session.execute(take_seat).rowcount == 0
        assert session.scalar(select(AppointmentSlot.booked_count)) == 1


def test_same_worker_cannot_hold_two_live_bookings_of_one_slot(migrated: Engine) -> None:
    station_id, slot_id = _station_and_slot(migrated)
    with session_scope(migrated) as session:
        session.add(_appointment(station_id, slot_id, "A1", "user-1"))
    with pytest.raises(IntegrityError), session_scope(migrated) as session:
        session.add(_appointment(station_id, slot_id, "A2", "user-1"))


def test_a_cancelled_booking_frees_the_worker_to_book_again(migrated: Engine) -> None:
    station_id, slot_id = _station_and_slot(migrated)
    with session_scope(migrated) as session:
        first = _appointment(station_id, slot_id, "B1", "user-2")
        first.status = AppointmentStatus.cancelled
        session.add(first)
    with session_scope(migrated) as session:
        session.add(_appointment(station_id, slot_id, "B2", "user-2"))
    with session_scope(migrated) as session:
        assert len(session.scalars(select(Appointment)).all()) == 2


def test_downgrade_removes_the_tables(database_url: str, migrated: Engine) -> None:
    command.downgrade(alembic_config(database_url), "base")
    assert not {"stations", "appointments"} & set(inspect(migrated).get_table_names())
