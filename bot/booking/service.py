"""Database functions of booking: keyword-only, typed; the caller commits once.

Every function takes the SQLAlchemy ``session`` of the caller's transaction and never
commits, so that a Rasa action, a dashboard request or a CLI command can combine several
calls into one all-or-nothing change (``bot.store.db.session_scope``). Wrap the whole
transaction in ``guard_database()`` to turn a lost database into ``BookingUnavailable``.

Booking is atomic on PostgreSQL and SQLite alike: a seat is taken by one conditional
UPDATE of the slot's counter (``booked_count < capacity``) inside a savepoint, and the
appointment row is inserted in the same savepoint. The unique indexes on the
idempotency key and on (slot, worker) turn a retry or a double click into the booking
that already exists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.booking.codes import new_code
from bot.booking.crypto import PhoneCipher
from bot.booking.errors import (
    AppointmentNotFound,
    BookingError,
    BookingUnavailable,
    ChangeNotAllowed,
    SlotFull,
    SlotNotBookable,
)
from bot.booking.names import normalise_name
from bot.booking.phone import normalise_phone
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.schedule import DatedException, WeeklyRule, generate_slots
from bot.booking.texts import OUTAGE_TEXT, AppointmentView
from bot.store.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Service,
    Station,
)

__all__ = [
    "LIVE_STATUSES",
    "BookingOutcome",
    "BookingRequest",
    "book",
    "cancel",
    "find_by_code",
    "find_by_phone",
    "free_slots",
    "get_slot",
    "guard_database",
    "live_for_user",
    "reschedule",
    "set_notes",
    "set_status",
    "sync_slots",
    "view_of",
]

log = logging.getLogger(__name__)

LIVE_STATUSES = (AppointmentStatus.booked, AppointmentStatus.checked_in)
CODE_ATTEMPTS = 5


@contextmanager
def guard_database() -> Iterator[None]:
    """Turn a lost or refusing database into ``BookingUnavailable`` (with the hotlines).

    Why here: whatever the caller was doing, its transaction is rolled back by the
    session scope, so the worker can be told plainly that nothing was saved.
    """
    try:
        yield
    except IntegrityError:
        raise
    except (OperationalError, DBAPIError) as error:
        log.warning("booking database unavailable: %s", type(error).__name__)
        raise BookingUnavailable(OUTAGE_TEXT) from error


# --- slots --------------------------------------------------------------------------


def _local_today(now: datetime) -> date:
    return now.astimezone(CHINA_TZ).date()


def sync_slots(*, session: Session, station_id: int, now: datetime, policy: BookingPolicy) -> int:
    """Make the slot rows of the booking horizon match the station's schedule.

    Missing slots are inserted; unbooked slots the schedule no longer has are removed;
    booked ones are kept (staff see them and call the worker). Returns slots inserted.
    A concurrent sync inserting the same slot is harmless: the unique constraint on
    (station, service, start) rejects the duplicate inside a savepoint.
    """
    station = session.get(Station, station_id)
    if station is None:
        return 0
    rules = [
        WeeklyRule(
            service=r.service.value,
            weekday=r.weekday,
            start=r.start_time,
            end=r.end_time,
            slot_minutes=r.slot_minutes,
            seats=r.seats,
            buffer_minutes=r.buffer_minutes,
        )
        for r in station.schedules
        if r.service.value in (station.services or [])
    ]
    exceptions = [
        DatedException(
            day=e.day,
            service=e.service.value if e.service else None,
            closed=e.closed,
            start=e.start_time,
            end=e.end_time,
            seats=e.seats,
            note=e.note,
        )
        for e in station.exceptions
    ]
    today = _local_today(now)
    last_day = today + timedelta(days=policy.horizon_days)
    wanted = {
        (spec.service, spec.starts_at.astimezone(UTC)): spec
        for spec in generate_slots(rules, exceptions, first_day=today, last_day=last_day)
    }
    window_start = datetime.combine(today, datetime.min.time(), tzinfo=CHINA_TZ)
    existing = {
        (slot.service.value, slot.starts_at): slot
        for slot in session.scalars(
            select(AppointmentSlot).where(
                AppointmentSlot.station_id == station_id,
                AppointmentSlot.starts_at >= window_start,
            )
        )
    }
    inserted = 0
    for key, spec in wanted.items():
        slot = existing.get(key)
        if slot is not None:
            if slot.capacity != spec.seats and slot.booked_count <= spec.seats:
                slot.capacity = spec.seats
            continue
        try:
            with session.begin_nested():
                session.add(
                    AppointmentSlot(
                        station_id=station_id,
                        service=Service(spec.service),
                        starts_at=spec.starts_at,
                        ends_at=spec.ends_at,
                        capacity=spec.seats,
                        booked_count=0,
                    )
                )
            inserted += 1
        except IntegrityError:
            continue  # another process inserted it first
    stale = [
        slot.id
        for key, slot in existing.items()
        if key not in wanted and slot.booked_count == 0 and slot.starts_at > now
    ]
    if stale:
        session.execute(
            delete(AppointmentSlot).where(
                AppointmentSlot.id.in_(stale), AppointmentSlot.booked_count == 0
            )
        )
    session.flush()
    return inserted


def free_slots(
    *,
    session: Session,
    station_id: int,
    service: str,
    now: datetime,
    policy: BookingPolicy,
    limit: int = 6,
    sync: bool = True,
) -> list[AppointmentSlot]:
    """The next slots of ``service`` at the station that still have a seat and may be booked."""
    if sync:
        sync_slots(session=session, station_id=station_id, now=now, policy=policy)
    earliest, latest = policy.bookable_window(now)
    return list(
        session.scalars(
            select(AppointmentSlot)
            .where(
                AppointmentSlot.station_id == station_id,
                AppointmentSlot.service == Service(service),
                AppointmentSlot.starts_at >= earliest,
                AppointmentSlot.starts_at < latest,
                AppointmentSlot.booked_count < AppointmentSlot.capacity,
            )
            .order_by(AppointmentSlot.starts_at)
            .limit(limit)
        )
    )


def get_slot(*, session: Session, slot_id: int) -> AppointmentSlot | None:
    """One slot by id."""
    return session.get(AppointmentSlot, slot_id)


# --- booking ------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRequest:
    """What the worker chose and told us. ``idempotency_key``: e.g. the channel's MsgId."""

    slot_id: int
    person_name: str
    phone: str
    channel: str
    channel_user_id: str
    question_class: str | None = None
    summary: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class BookingOutcome:
    """The appointment, and whether this call created it (False: it already existed)."""

    appointment: Appointment
    created: bool


def _existing(
    session: Session, *, slot_id: int, channel: str, user: str, key: str | None
) -> Appointment | None:
    if key:
        found = session.scalar(select(Appointment).where(Appointment.idempotency_key == key))
        if found is not None:
            return found
    return session.scalar(
        select(Appointment).where(
            Appointment.slot_id == slot_id,
            Appointment.channel == channel,
            Appointment.channel_user_id == user,
            Appointment.status != AppointmentStatus.cancelled,
        )
    )


def _take_seat(session: Session, slot_id: int) -> bool:
    result = session.execute(
        update(AppointmentSlot)
        .where(
            AppointmentSlot.id == slot_id,
            AppointmentSlot.booked_count < AppointmentSlot.capacity,
        )
        .values(booked_count=AppointmentSlot.booked_count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _release_seat(session: Session, slot_id: int) -> None:
    session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot_id, AppointmentSlot.booked_count > 0)
        .values(booked_count=AppointmentSlot.booked_count - 1)
        .execution_options(synchronize_session=False)
    )


def book(
    *,
    session: Session,
    request: BookingRequest,
    now: datetime,
    policy: BookingPolicy,
    cipher: PhoneCipher,
) -> BookingOutcome:
    """Book one seat of a slot for the worker, at most once.

    Raises ``InvalidName``/``InvalidPhone`` for bad input, ``SlotNotBookable`` when the
    slot is too soon, too far ahead or gone, ``SlotFull`` when every seat is taken.
    """
    name = normalise_name(request.person_name)
    phone = normalise_phone(request.phone)
    key = request.idempotency_key
    found = _existing(
        session,
        slot_id=request.slot_id,
        channel=request.channel,
        user=request.channel_user_id,
        key=key,
    )
    if found is not None:
        return BookingOutcome(found, created=False)
    slot = session.get(AppointmentSlot, request.slot_id)
    if slot is None:
        raise SlotNotBookable("这个时间已经取消了，请重新选择时间。")
    policy.check_bookable(slot.starts_at, now)
    for _ in range(CODE_ATTEMPTS):
        try:
            with session.begin_nested():
                # The row is inserted before the seat is taken: the slot's row lock is then
                # held only from the UPDATE to the commit, which is what queues rivals.
                appointment = Appointment(
                    code=new_code(),
                    slot_id=slot.id,
                    station_id=slot.station_id,
                    service=slot.service,
                    person_name=name,
                    phone_encrypted=cipher.encrypt(phone),
                    phone_lookup_hash=cipher.lookup_hash(phone),
                    phone_last4=phone[-4:],
                    question_class=(request.question_class or None),
                    summary=(request.summary or "").replace("\x00", "")[:500] or None,
                    channel=request.channel,
                    channel_user_id=request.channel_user_id,
                    idempotency_key=key,
                    status=AppointmentStatus.booked,
                    created_at=now,
                    updated_at=now,
                )
                session.add(appointment)
                session.flush()
                if not _take_seat(session, slot.id):
                    raise SlotFull("抱歉，这个时间的名额刚刚约满了。请选择其他时间。")
            return BookingOutcome(appointment, created=True)
        except IntegrityError:
            found = _existing(
                session,
                slot_id=slot.id,
                channel=request.channel,
                user=request.channel_user_id,
                key=key,
            )
            if found is not None:
                return BookingOutcome(found, created=False)
            # Otherwise the random code collided: try again with a new one.
    raise BookingError("预约没有成功，请再试一次。")


# --- finding, changing --------------------------------------------------------------


def find_by_code(*, session: Session, code: str) -> Appointment | None:
    """The appointment with this confirmation code (any status)."""
    return session.scalar(select(Appointment).where(Appointment.code == code.strip().upper()))


def find_by_phone(
    *, session: Session, phone: str, cipher: PhoneCipher, now: datetime
) -> list[Appointment]:
    """Her upcoming live appointments booked with this phone number."""
    return list(
        session.scalars(
            select(Appointment)
            .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
            .where(
                Appointment.phone_lookup_hash == cipher.lookup_hash(phone),
                Appointment.status.in_(LIVE_STATUSES),
                AppointmentSlot.ends_at >= now,
            )
            .order_by(AppointmentSlot.starts_at)
        )
    )


def live_for_user(
    *, session: Session, channel: str, channel_user_id: str, now: datetime
) -> list[Appointment]:
    """Upcoming live appointments booked from this chat (channel + user id)."""
    return list(
        session.scalars(
            select(Appointment)
            .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
            .where(
                Appointment.channel == channel,
                Appointment.channel_user_id == channel_user_id,
                Appointment.status.in_(LIVE_STATUSES),
                AppointmentSlot.ends_at >= now,
            )
            .order_by(AppointmentSlot.starts_at)
        )
    )


def _require_changeable(appointment: Appointment, now: datetime, policy: BookingPolicy) -> None:
    if appointment.status != AppointmentStatus.booked:
        raise ChangeNotAllowed(
            "这个预约已经结束或取消，不能再修改。如有需要请重新预约，或致电工作站"
            + (f" {appointment.station.phone}" if appointment.station.phone else "")
            + "。"
        )
    policy.check_changeable(appointment.slot.starts_at, now, appointment.station.phone)


def cancel(
    *, session: Session, code: str, now: datetime, policy: BookingPolicy, by_staff: bool = False
) -> Appointment:
    """Cancel and free the seat. Workers only before the cut-off; staff any time."""
    appointment = find_by_code(session=session, code=code)
    if appointment is None:
        raise AppointmentNotFound("没有找到这个预约码对应的预约，请核对后再发一次。")
    if appointment.status == AppointmentStatus.cancelled:
        return appointment
    if not by_staff:
        _require_changeable(appointment, now, policy)
    with session.begin_nested():
        appointment.status = AppointmentStatus.cancelled
        appointment.cancelled_at = now
        appointment.updated_at = now
        _release_seat(session, appointment.slot_id)
        session.flush()
    return appointment


def reschedule(
    *, session: Session, code: str, slot_id: int, now: datetime, policy: BookingPolicy
) -> Appointment:
    """Move the booking to another slot of the same station and service, keeping its code.

    The new seat is taken before the old one is freed, in one savepoint: if the new time
    is full nothing changes.
    """
    appointment = find_by_code(session=session, code=code)
    if appointment is None:
        raise AppointmentNotFound("没有找到这个预约码对应的预约，请核对后再发一次。")
    _require_changeable(appointment, now, policy)
    if slot_id == appointment.slot_id:
        return appointment
    slot = session.get(AppointmentSlot, slot_id)
    if (
        slot is None
        or slot.station_id != appointment.station_id
        or slot.service != appointment.service
    ):
        raise SlotNotBookable("这个时间不能改约，请从给出的时间里选择。")
    policy.check_bookable(slot.starts_at, now)
    with session.begin_nested():
        if not _take_seat(session, slot.id):
            raise SlotFull("抱歉，这个时间的名额刚刚约满了。请选择其他时间。")
        _release_seat(session, appointment.slot_id)
        appointment.slot_id = slot.id
        appointment.reminder_sent_at = None
        appointment.updated_at = now
        session.flush()
    session.refresh(appointment)
    return appointment


_STATUS_STAMP = {
    AppointmentStatus.checked_in: "checked_in_at",
    AppointmentStatus.served: "served_at",
    AppointmentStatus.no_show: "no_show_at",
    AppointmentStatus.cancelled: "cancelled_at",
}
_ALLOWED_MOVES = {
    AppointmentStatus.booked: {
        AppointmentStatus.checked_in,
        AppointmentStatus.no_show,
        AppointmentStatus.cancelled,
        AppointmentStatus.served,
    },
    AppointmentStatus.checked_in: {AppointmentStatus.served, AppointmentStatus.booked},
    AppointmentStatus.no_show: {AppointmentStatus.booked, AppointmentStatus.checked_in},
    AppointmentStatus.served: {AppointmentStatus.checked_in},
    AppointmentStatus.cancelled: set(),
}


def set_status(
    *, session: Session, appointment: Appointment, status: AppointmentStatus, now: datetime
) -> Appointment:
    """Staff mark an appointment (check-in, served, no-show, or undo a mistaken mark)."""
    if status == appointment.status:
        return appointment
    if status not in _ALLOWED_MOVES[appointment.status]:
        raise ChangeNotAllowed(f"状态不能从“{appointment.status.value}”改为“{status.value}”。")
    if status == AppointmentStatus.cancelled:
        _release_seat(session, appointment.slot_id)
    appointment.status = status
    stamp = _STATUS_STAMP.get(status)
    if stamp:
        setattr(appointment, stamp, now)
    appointment.updated_at = now
    session.flush()
    return appointment


def set_notes(*, session: Session, appointment: Appointment, notes: str, now: datetime) -> None:
    """Staff's notes on the visit (kept with the appointment, erased with it)."""
    # NUL: PostgreSQL text cannot hold it (the UPDATE would fail); nobody types it on purpose.
    appointment.notes = notes.replace("\x00", "").strip()[:4000] or None
    appointment.updated_at = now
    session.flush()


def view_of(appointment: Appointment) -> AppointmentView:
    """The appointment as the worker is told about it."""
    station = appointment.station
    return AppointmentView(
        code=appointment.code,
        service=appointment.service.value,
        starts_at=appointment.slot.starts_at,
        ends_at=appointment.slot.ends_at,
        station_name=station.name,
        address=station.address,
        station_phone=station.phone,
        person_name=appointment.person_name,
        phone_masked=f"尾号{appointment.phone_last4}" if appointment.phone_last4 else "",
        status=appointment.status.value,
        opening_notes=station.opening_notes,
    )
