"""Send the day-before reminders through the channel each worker booked from.

Each reminder is marked sent in its own transaction right after delivery, so a crash
half-way never sends the first ones twice; a refused or impossible delivery is reported
(and retried on the next run) but never blocks the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from bot.booking import records, service
from bot.booking.notify import NotifierRegistry, Reminder
from bot.booking.policy import CHINA_TZ
from bot.booking.texts import SERVICE_NAMES, format_when, reminder_text
from bot.store.db import session_scope
from bot.store.models import Appointment

__all__ = ["ReminderResult", "build_reminder", "send_due_reminders"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderResult:
    code: str
    channel: str
    delivered: bool
    detail: str


def build_reminder(appointment: Appointment, *, link: str = "") -> Reminder:
    """The reminder for one appointment: text for chat channels, fields for templates.

    ``link`` is the appointment's calendar address; the booking code cannot build it
    alone (it needs the public URL and the signing secret), so the caller passes it.
    """
    view = service.view_of(appointment)
    local = view.starts_at.astimezone(CHINA_TZ)
    return Reminder(
        channel=appointment.channel,
        channel_user_id=appointment.channel_user_id,
        appointment_code=view.code,
        starts_at=view.starts_at,
        station_name=view.station_name,
        address=view.address,
        text=reminder_text(view, ics_url=link or None),
        fields={
            "service": SERVICE_NAMES.get(view.service, view.service),
            "time": f"{local:%Y-%m-%d %H:%M}",
            "when": format_when(view.starts_at, view.ends_at),
            "station": view.station_name,
            "address": view.address,
            "code": view.code,
            "phone": view.station_phone or "",
        },
        link=link,
    )


async def send_due_reminders(
    *,
    engine: Engine,
    registry: NotifierRegistry,
    now: datetime,
    link_for: Callable[[str], str] | None = None,
    record: bool = True,
) -> list[ReminderResult]:
    """Remind every worker booked for tomorrow who has not been reminded yet.

    ``link_for`` turns a confirmation code into the appointment's calendar address.
    ``record=False`` (dry runs) marks nothing, so the real run still reminds everyone.
    """
    with session_scope(engine) as session:
        due = [
            (a.id, build_reminder(a, link=link_for(a.code) if link_for else ""))
            for a in records.due_reminders(session=session, now=now)
        ]
    results: list[ReminderResult] = []
    for appointment_id, reminder in due:
        notifier = registry.for_channel(reminder.channel)
        if notifier is None:
            results.append(
                ReminderResult(reminder.appointment_code, reminder.channel, False, "no notifier")
            )
            continue
        outcome = await notifier.send_reminder(reminder)
        if not outcome.delivered:
            log.warning("reminder not delivered on %s: %s", reminder.channel, outcome.detail)
        elif record:
            with session_scope(engine) as session:
                appointment = session.get(Appointment, appointment_id)
                if appointment is not None:
                    appointment.reminder_sent_at = now
        results.append(
            ReminderResult(
                reminder.appointment_code, reminder.channel, outcome.delivered, outcome.detail
            )
        )
    return results
