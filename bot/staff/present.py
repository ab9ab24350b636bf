"""Appointments as the dashboard shows them: local times, Chinese labels, masked phones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.booking.crypto import PhoneCipher
from bot.booking.policy import CHINA_TZ
from bot.booking.records import masked_phone
from bot.staff.export import ExportRow
from bot.staff.labels import CHANNEL_LABELS, SERVICE_LABELS, STATUS_LABELS, question_label
from bot.store.models import Appointment

__all__ = ["Row", "export_row", "row_of"]

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Row:
    id: int
    code: str
    day: str
    weekday: str
    time: str
    end_time: str
    station: str
    service: str
    name: str
    phone_masked: str
    question: str
    summary: str
    status: str
    status_label: str
    notes: str
    channel: str
    starts_at: datetime


def row_of(appointment: Appointment, cipher: PhoneCipher) -> Row:
    start = appointment.slot.starts_at.astimezone(CHINA_TZ)
    end = appointment.slot.ends_at.astimezone(CHINA_TZ)
    try:
        phone = masked_phone(appointment, cipher)
    except ValueError:  # encrypted under another key: show only the last digits
        phone = f"*******{appointment.phone_last4}"
    return Row(
        id=appointment.id,
        code=appointment.code,
        day=start.date().isoformat(),
        weekday=f"周{WEEKDAYS[start.weekday()]}",
        time=f"{start:%H:%M}",
        end_time=f"{end:%H:%M}",
        station=appointment.station.name,
        service=SERVICE_LABELS.get(appointment.service.value, appointment.service.value),
        name=appointment.person_name,
        phone_masked=phone,
        question=question_label(appointment.question_class),
        summary=appointment.summary or "",
        status=appointment.status.value,
        status_label=STATUS_LABELS.get(appointment.status.value, appointment.status.value),
        notes=appointment.notes or "",
        channel=CHANNEL_LABELS.get(appointment.channel, appointment.channel),
        starts_at=start,
    )


def export_row(row: Row) -> ExportRow:
    return ExportRow(
        day=row.day,
        time=f"{row.time}–{row.end_time}",
        code=row.code,
        station=row.station,
        service=row.service,
        name=row.name,
        phone_masked=row.phone_masked,
        question=row.question,
        summary=row.summary,
        status=row.status_label,
        notes=row.notes,
        channel=row.channel,
    )
