"""What staff and maintenance read and write about appointments.

Listing for the dashboard and exports, reminders due tomorrow, erasure after the retention
period, the audit log, masked phone numbers and the rows behind the statistics. The booking
itself (taking seats, moving, cancelling) stays in service.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.booking.crypto import PhoneCipher
from bot.booking.phone import mask_phone
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.store.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    AuditEvent,
    Service,
    Station,
)

__all__ = [
    "due_reminders",
    "erase_expired",
    "list_appointments",
    "masked_phone",
    "record_audit",
    "stats_rows",
]


def list_appointments(
    *,
    session: Session,
    station_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    service: str | None = None,
    status: str | None = None,
    include_cancelled: bool = True,
) -> list[Appointment]:
    """Appointments whose slot starts in [start, end), filtered, by start time."""
    query = (
        select(Appointment)
        .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
        .options(selectinload(Appointment.slot), selectinload(Appointment.station))
        .order_by(AppointmentSlot.starts_at, Appointment.id)
    )
    if station_id is not None:
        query = query.where(Appointment.station_id == station_id)
    if start is not None:
        query = query.where(AppointmentSlot.starts_at >= start)
    if end is not None:
        query = query.where(AppointmentSlot.starts_at < end)
    if service:
        query = query.where(Appointment.service == Service(service))
    if status:
        query = query.where(Appointment.status == AppointmentStatus(status))
    elif not include_cancelled:
        query = query.where(Appointment.status != AppointmentStatus.cancelled)
    return list(session.scalars(query))


def due_reminders(*, session: Session, now: datetime) -> list[Appointment]:
    """Live bookings for tomorrow (China time) not yet reminded."""
    tomorrow = now.astimezone(CHINA_TZ).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=CHINA_TZ)
    return [
        a
        for a in list_appointments(
            session=session,
            start=start,
            end=start + timedelta(days=1),
            status=AppointmentStatus.booked.value,
        )
        if a.reminder_sent_at is None and a.erased_at is None
    ]


def erase_expired(*, session: Session, now: datetime, policy: BookingPolicy) -> int:
    """Erase name, phone and notes of appointments past the retention period.

    The appointment row (station, service, time, status, question class) stays for the
    statistics; nothing in it identifies the worker any more.
    """
    cutoff = now - timedelta(days=policy.retention_days)
    ids = list(
        session.scalars(
            select(Appointment.id)
            .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
            .where(AppointmentSlot.ends_at < cutoff, Appointment.erased_at.is_(None))
        )
    )
    for appointment in session.scalars(select(Appointment).where(Appointment.id.in_(ids))):
        appointment.person_name = "（已删除）"
        appointment.phone_encrypted = b""
        appointment.phone_lookup_hash = ""
        appointment.phone_last4 = ""
        appointment.notes = None
        appointment.summary = None
        appointment.channel_user_id = f"erased-{appointment.id}"
        appointment.erased_at = now
    session.flush()
    return len(ids)


def record_audit(
    *,
    session: Session,
    user_id: int | None,
    action: str,
    appointment_id: int | None = None,
    station_id: int | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Write one audit event (never personal data in ``detail``)."""
    event = AuditEvent(
        user_id=user_id,
        action=action,
        appointment_id=appointment_id,
        station_id=station_id,
        detail=detail,
        at=now or datetime.now(UTC),
    )
    session.add(event)
    session.flush()
    return event


def masked_phone(appointment: Appointment, cipher: PhoneCipher | None = None) -> str:
    """``138****5678`` from the decrypted number, or ``*******5678`` without the key."""
    if not appointment.phone_encrypted:
        return ""
    if cipher is None:
        return f"*******{appointment.phone_last4}"
    return mask_phone(cipher.decrypt(appointment.phone_encrypted))


def stats_rows(
    *, session: Session, station_id: int | None, start: datetime, end: datetime
) -> list[tuple[datetime, str, str | None, str, str]]:
    """(slot start, status, question class, station city, service) for each appointment."""
    query = (
        select(
            AppointmentSlot.starts_at,
            Appointment.status,
            Appointment.question_class,
            Station.city,
            Appointment.service,
        )
        .join(AppointmentSlot, Appointment.slot_id == AppointmentSlot.id)
        .join(Station, Appointment.station_id == Station.id)
        .where(AppointmentSlot.starts_at >= start, AppointmentSlot.starts_at < end)
    )
    if station_id is not None:
        query = query.where(Appointment.station_id == station_id)
    return [(row[0], row[1].value, row[2], row[3], row[4].value) for row in session.execute(query)]
