"""A database outage: the worker gets a clear message with the hotlines; nothing is half-written.

The real PostgreSQL cluster of the test run is stopped — before a booking, and in the
middle of one (right after the seat was taken, before the appointment row) — and started
again to check what was left behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from bot.booking import service
from bot.booking.crypto import PhoneCipher
from bot.booking.errors import BookingUnavailable
from bot.booking.policy import BookingPolicy
from bot.store.db import make_engine, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment, AppointmentSlot
from tests.integration.booking.conftest import NOW, add_slot, add_station
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_engine(pg_url: str, pg_cluster: PostgresCluster) -> Iterator[Engine]:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        yield engine
    finally:
        if not pg_cluster.is_running():
            pg_cluster.start()
        engine.dispose()


def _request(slot_id: int) -> service.BookingRequest:
    return service.BookingRequest(
        slot_id=slot_id,
        person_name="李娟",
        phone="13912345678",
        channel="telegram",
        channel_user_id="tg-1",
    )


def _left_behind(engine: Engine, slot_id: int) -> tuple[int, int]:
    engine.dispose()  # connections from before the restart are dead
    with session_scope(engine) as session:
        rows = session.scalar(select(func.count()).select_from(Appointment))
        seats = session.scalar(
            select(AppointmentSlot.booked_count).where(AppointmentSlot.id == slot_id)
        )
    return int(rows or 0), int(seats or 0)


def test_booking_while_the_database_is_down_says_so_with_the_hotlines(
    pg_engine: Engine, pg_cluster: PostgresCluster, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    slot_id = add_slot(pg_engine, add_station(pg_engine), starts_at=NOW.replace(day=9, hour=9))
    pg_cluster.stop()
    try:
        with (
            pytest.raises(BookingUnavailable) as raised,
            service.guard_database(),
            session_scope(pg_engine) as session,
        ):
            service.book(
                session=session,
                request=_request(slot_id),
                now=NOW,
                policy=policy,
                cipher=cipher,
            )
    finally:
        pg_cluster.start()
    message = str(raised.value)
    assert "没有保存" in message
    assert all(number in message for number in ("12333", "12338", "12351", "12348"))
    assert _left_behind(pg_engine, slot_id) == (0, 0)


def test_losing_the_database_after_the_seat_was_taken_leaves_nothing_half_written(
    pg_engine: Engine, pg_cluster: PostgresCluster, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    slot_id = add_slot(pg_engine, add_station(pg_engine), starts_at=NOW.replace(day=9, hour=9))
    seen: list[str] = []

    def stop_after_seat(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE APPOINTMENT_SLOTS") and not seen:
            seen.append(statement)
            pg_cluster.stop()  # the seat is taken in the open transaction; now the server dies

    event.listen(pg_engine, "after_cursor_execute", stop_after_seat)
    try:
        with (
            pytest.raises(BookingUnavailable),
            service.guard_database(),
            session_scope(pg_engine) as session,
        ):
            service.book(
                session=session,
                request=_request(slot_id),
                now=NOW,
                policy=policy,
                cipher=cipher,
            )
    finally:
        event.remove(pg_engine, "after_cursor_execute", stop_after_seat)
        pg_cluster.start()
    assert seen, "the outage was not injected"
    assert _left_behind(pg_engine, slot_id) == (0, 0)
