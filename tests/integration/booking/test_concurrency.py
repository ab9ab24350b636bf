"""Never oversold: ≥50 simultaneous bookings of a 3-seat slot, on PostgreSQL and SQLite.

Each booking runs in its own thread with its own connection and transaction, released
together by a barrier, exactly as 50 action-server requests would arrive at once.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.pool import NullPool

from bot.booking import service
from bot.booking.crypto import PhoneCipher
from bot.booking.errors import SlotFull
from bot.booking.policy import BookingPolicy
from bot.store.db import session_scope
from bot.store.models import Appointment, AppointmentSlot
from tests.integration.booking.conftest import NOW

pytestmark = pytest.mark.integration

CLIENTS = 50


@dataclass
class Attempt:
    created: bool | None
    refused: str | None
    code: str | None


def _separate_connections(engine: Engine) -> Engine:
    """PostgreSQL: one new connection per transaction (no pool to queue behind)."""
    if engine.dialect.name == "postgresql":
        return create_engine(engine.url, poolclass=NullPool)
    return engine  # SQLite: the pool hands each thread its own connection


def _fire(
    engine: Engine,
    cipher: PhoneCipher,
    policy: BookingPolicy,
    requests: list[service.BookingRequest],
) -> list[Attempt]:
    barrier = threading.Barrier(len(requests))
    target = _separate_connections(engine)

    def one(request: service.BookingRequest) -> Attempt:
        barrier.wait()
        try:
            with service.guard_database(), session_scope(target) as session:
                outcome = service.book(
                    session=session, request=request, now=NOW, policy=policy, cipher=cipher
                )
                return Attempt(outcome.created, None, outcome.appointment.code)
        except SlotFull as refusal:
            return Attempt(None, str(refusal), None)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, requests))


def _request(slot_id: int, n: int, **overrides: object) -> service.BookingRequest:
    values: dict[str, object] = {
        "slot_id": slot_id,
        "person_name": "测试" + "甲乙丙丁戊己庚辛壬癸"[n % 10],
        "phone": f"138{n:08d}",
        "channel": "wechat",
        "channel_user_id": f"user-{n}",
    }
    values.update(overrides)
    return service.BookingRequest(**values)  # type: ignore[arg-type]


def _counts(engine: Engine, slot_id: int) -> tuple[int, int]:
    with session_scope(engine) as session:
        rows = session.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.slot_id == slot_id)
        )
        booked = session.scalar(
            select(AppointmentSlot.booked_count).where(AppointmentSlot.id == slot_id)
        )
    return int(rows or 0), int(booked or 0)


def test_fifty_workers_racing_for_three_seats_get_three_bookings_and_47_refusals(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    attempts = _fire(engine, cipher, policy, [_request(slot_id, n) for n in range(CLIENTS)])

    booked = [a for a in attempts if a.created]
    refused = [a for a in attempts if a.refused]
    assert len(booked) == 3
    assert len(refused) == CLIENTS - 3 == 47
    assert all("约满" in a.refused for a in refused if a.refused)
    assert len({a.code for a in booked}) == 3
    assert _counts(engine, slot_id) == (3, 3)


def test_the_same_worker_booking_one_slot_many_times_at_once_gets_one_booking(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    same = _request(slot_id, 7)
    attempts = _fire(engine, cipher, policy, [same] * 10)

    assert Counter(a.created for a in attempts) == {True: 1, False: 9}
    assert len({a.code for a in attempts}) == 1
    assert _counts(engine, slot_id) == (1, 1)


def test_a_retried_message_with_the_same_idempotency_key_books_once(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    # A WeChat retry carries the same MsgId; even from "different" user ids it books once.
    retries = [
        _request(slot_id, 9, channel_user_id=f"retry-{n}", idempotency_key="wechat:msg-42")
        for n in range(8)
    ]
    attempts = _fire(engine, cipher, policy, retries)

    assert sum(1 for a in attempts if a.created) == 1
    assert len({a.code for a in attempts}) == 1
    assert _counts(engine, slot_id) == (1, 1)
