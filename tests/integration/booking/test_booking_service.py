"""The booking service against real databases: slots from schedules, booking, finding,
moving, cancelling, staff marks, reminders due and erasure after the retention period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from bot.booking import records, service, station_registry
from bot.booking.crypto import PhoneCipher
from bot.booking.errors import (
    ChangeNotAllowed,
    InvalidPhone,
    SlotFull,
    SlotNotBookable,
)
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.stations_file import read_stations_file
from bot.settings import PROJECT_ROOT
from bot.store.db import session_scope
from bot.store.models import Appointment, AppointmentSlot, AppointmentStatus, ScheduleException
from tests.integration.booking.conftest import NOW, add_slot, add_station

pytestmark = pytest.mark.integration


def _book(
    engine: Engine,
    cipher: PhoneCipher,
    policy: BookingPolicy,
    slot_id: int,
    *,
    user: str = "u1",
    phone: str = "138 1234 5678",
    now: datetime = NOW,
) -> str:
    with session_scope(engine) as session:
        outcome = service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot_id,
                person_name="我叫王芳",
                phone=phone,
                channel="wechat",
                channel_user_id=user,
                question_class="three_period_dismissal",
                summary="怀孕三个月被通知下月不用来上班",
            ),
            now=now,
            policy=policy,
            cipher=cipher,
        )
        return outcome.appointment.code


def test_slots_follow_the_weekly_schedule_and_skip_new_years_day(
    engine: Engine, station_id: int, policy: BookingPolicy
) -> None:
    with session_scope(engine) as session:
        service.sync_slots(session=session, station_id=station_id, now=NOW, policy=policy)
        starts = [
            s.starts_at.astimezone(CHINA_TZ)
            for s in session.scalars(select(AppointmentSlot).order_by(AppointmentSlot.starts_at))
        ]
    days = sorted({s.date() for s in starts})
    # Wednesdays (reception day) and Fridays (legal aid) of the next four weeks; 1 January
    # 2027 is a Friday and a public holiday.
    assert date(2026, 12, 2) in days and date(2026, 12, 4) in days
    assert date(2027, 1, 1) not in days
    assert all(d.weekday() in (2, 4) for d in days)
    wednesday = [s.strftime("%H:%M") for s in starts if s.date() == date(2026, 12, 9)]
    assert wednesday == ["09:00", "09:40", "10:20", "11:00"]  # 30 min + 10 min buffer


def test_syncing_twice_adds_nothing_and_a_closed_day_loses_its_free_slots(
    engine: Engine, station_id: int, policy: BookingPolicy
) -> None:
    with session_scope(engine) as session:
        first = service.sync_slots(session=session, station_id=station_id, now=NOW, policy=policy)
        again = service.sync_slots(session=session, station_id=station_id, now=NOW, policy=policy)
        session.add(ScheduleException(station_id=station_id, day=date(2026, 12, 9), closed=True))
    with session_scope(engine) as session:
        service.sync_slots(session=session, station_id=station_id, now=NOW, policy=policy)
        days = {
            s.starts_at.astimezone(CHINA_TZ).date()
            for s in session.scalars(select(AppointmentSlot))
        }
    assert first > 0 and again == 0
    assert date(2026, 12, 9) not in days


def test_free_slots_respect_the_minimum_notice(
    engine: Engine, station_id: int, policy: BookingPolicy
) -> None:
    now = datetime(2026, 12, 2, 8, 30, tzinfo=CHINA_TZ)  # 9:00 is 30 minutes away
    with session_scope(engine) as session:
        slots = service.free_slots(
            session=session,
            station_id=station_id,
            service="reception_day",
            now=now,
            policy=policy,
            limit=3,
        )
        first = slots[0].starts_at.astimezone(CHINA_TZ)
    assert first >= now + timedelta(hours=2)


def test_a_booking_stores_the_phone_encrypted_and_finds_it_by_phone_and_code(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    code = _book(engine, cipher, policy, slot_id)
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT * FROM appointments")).mappings().one()
    assert "13812345678" not in str(dict(raw))
    assert raw["person_name"] == "王芳" and raw["phone_last4"] == "5678"
    with session_scope(engine) as session:
        appointment = service.find_by_code(session=session, code=code.lower())
        assert appointment is not None
        assert cipher.decrypt(appointment.phone_encrypted) == "13812345678"
        found = service.find_by_phone(
            session=session, phone="+86 13812345678", cipher=cipher, now=NOW
        )
        assert [a.code for a in found] == [code]
        assert appointment.question_class == "three_period_dismissal"


def test_a_full_slot_refuses_clearly_and_a_cancellation_frees_the_seat(
    engine: Engine, station_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    slot = add_slot(
        engine, station_id, starts_at=datetime(2026, 12, 9, 14, 0, tzinfo=CHINA_TZ), capacity=1
    )
    code = _book(engine, cipher, policy, slot, user="first")
    with pytest.raises(SlotFull, match="约满"):
        _book(engine, cipher, policy, slot, user="second", phone="13900001111")
    with session_scope(engine) as session:
        service.cancel(session=session, code=code, now=NOW, policy=policy)
    _book(engine, cipher, policy, slot, user="second", phone="13900001111")


def test_a_slot_too_soon_or_beyond_the_horizon_cannot_be_booked(
    engine: Engine, station_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    soon = add_slot(engine, station_id, starts_at=NOW + timedelta(hours=1))
    far = add_slot(engine, station_id, starts_at=NOW + timedelta(days=40))
    for slot in (soon, far):
        with pytest.raises(SlotNotBookable):
            _book(engine, cipher, policy, slot)


def test_an_invalid_phone_is_refused_before_anything_is_written(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    with pytest.raises(InvalidPhone, match="11位手机号"):
        _book(engine, cipher, policy, slot_id, phone="12345")
    with session_scope(engine) as session:
        assert session.scalar(select(AppointmentSlot.booked_count)) == 0


def test_rescheduling_keeps_the_code_and_moves_the_seat(
    engine: Engine, station_id: int, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    later = add_slot(engine, station_id, starts_at=datetime(2026, 12, 16, 9, 0, tzinfo=CHINA_TZ))
    code = _book(engine, cipher, policy, slot_id)
    with session_scope(engine) as session:
        moved = service.reschedule(
            session=session, code=code, slot_id=later, now=NOW, policy=policy
        )
        assert moved.code == code and moved.slot_id == later
    with session_scope(engine) as session:
        counts = dict(
            session.execute(select(AppointmentSlot.id, AppointmentSlot.booked_count)).all()
        )
    assert counts[slot_id] == 0 and counts[later] == 1


def test_after_the_cut_off_the_worker_is_told_whom_to_call_but_staff_can_still_cancel(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    code = _book(engine, cipher, policy, slot_id)
    late = datetime(2026, 12, 8, 12, 0, tzinfo=CHINA_TZ)  # 21 hours before 9 December 9:00
    with pytest.raises(ChangeNotAllowed, match="12351"), session_scope(engine) as session:
        service.cancel(session=session, code=code, now=late, policy=policy)
    with session_scope(engine) as session:
        cancelled = service.cancel(
            session=session, code=code, now=late, policy=policy, by_staff=True
        )
        assert cancelled.status == AppointmentStatus.cancelled


def test_staff_marks_move_through_check_in_to_served(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    code = _book(engine, cipher, policy, slot_id)
    with session_scope(engine) as session:
        appointment = service.find_by_code(session=session, code=code)
        assert appointment is not None
        service.set_status(
            session=session, appointment=appointment, status=AppointmentStatus.checked_in, now=NOW
        )
        service.set_status(
            session=session, appointment=appointment, status=AppointmentStatus.served, now=NOW
        )
        service.set_notes(session=session, appointment=appointment, notes="已指导申请仲裁", now=NOW)
        assert appointment.checked_in_at is not None and appointment.served_at is not None
        with pytest.raises(ChangeNotAllowed):
            service.set_status(
                session=session,
                appointment=appointment,
                status=AppointmentStatus.cancelled,
                now=NOW,
            )


def test_reminders_are_due_the_day_before_and_personal_data_is_erased_after_retention(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    _book(engine, cipher, policy, slot_id)  # 9 December
    with session_scope(engine) as session:
        assert records.due_reminders(session=session, now=NOW) == []
        eve = datetime(2026, 12, 8, 18, 0, tzinfo=CHINA_TZ)
        assert len(records.due_reminders(session=session, now=eve)) == 1
        erased = records.erase_expired(
            session=session, now=NOW + timedelta(days=policy.retention_days + 8), policy=policy
        )
    assert erased == 1
    with session_scope(engine) as session:
        appointment = session.scalars(select(Appointment)).one()
        assert appointment.phone_encrypted == b"" and appointment.person_name == "（已删除）"
        assert appointment.erased_at is not None
        assert appointment.question_class == "three_period_dismissal"  # kept for statistics


def test_nearest_stations_are_in_her_city_then_her_province(engine: Engine) -> None:
    add_station(engine, code="demo-zibo", city="淄博市")
    add_station(engine, code="demo-jinan")
    add_station(engine, code="demo-suizhou", city="随州市", province="湖北省")
    with session_scope(engine) as session:
        in_city = station_registry.nearest_stations(
            session=session, place_text="我在淄博", service=None
        )
        in_province = station_registry.nearest_stations(
            session=session, place_text="青岛", service=None
        )
        unknown = station_registry.nearest_stations(
            session=session, place_text="火星", service=None
        )
    assert [s.code for s in in_city.stations] == ["demo-zibo"] and in_city.matched == "city"
    assert {s.code for s in in_province.stations} == {"demo-zibo", "demo-jinan"}
    assert in_province.matched == "province"
    assert unknown.matched == "anywhere" and len(unknown.stations) == 3


def test_the_demo_stations_file_imports_and_reimports_without_duplicates(engine: Engine) -> None:
    demo = read_stations_file(PROJECT_ROOT / "data" / "stations.demo.yaml")
    with session_scope(engine) as session:
        first = station_registry.import_stations(session=session, specs=demo.stations)
    with session_scope(engine) as session:
        second = station_registry.import_stations(session=session, specs=demo.stations)
        listed = station_registry.list_stations(session=session)
    assert first.created == len(demo.stations) and second.updated == len(demo.stations)
    assert all(s.is_demo and "演示" in s.name for s in listed)
    assert {s.city for s in listed} >= {"济南市", "淄博市", "随州市", "北京市"}


def test_timestamps_come_back_timezone_aware_in_utc(
    engine: Engine, slot_id: int, cipher: PhoneCipher, policy: BookingPolicy
) -> None:
    _book(engine, cipher, policy, slot_id)
    with session_scope(engine) as session:
        slot = session.get(AppointmentSlot, slot_id)
        assert slot is not None and slot.starts_at.tzinfo is not None
        assert slot.starts_at == datetime(2026, 12, 9, 1, 0, tzinfo=UTC)
