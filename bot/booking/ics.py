"""The appointment as an ``.ics`` calendar file (icalendar), for the worker's phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from bot.booking.texts import SERVICE_NAMES, WHAT_TO_BRING, AppointmentView

__all__ = ["appointment_ics"]


def appointment_ics(view: AppointmentView, *, now: datetime | None = None) -> bytes:
    """One VEVENT with the station's address, what to bring, and a reminder 2 hours before.

    The UID is derived from the confirmation code, so a re-downloaded file updates the
    same calendar entry instead of adding a second one.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//hotline-assistant//booking//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{view.code}@hotline-assistant")
    event.add("dtstamp", now or datetime.now(UTC))
    event.add("dtstart", view.starts_at.astimezone(UTC))
    event.add("dtend", view.ends_at.astimezone(UTC))
    event.add("summary", f"{SERVICE_NAMES.get(view.service, view.service)}（预约码 {view.code}）")
    event.add("location", f"{view.station_name}，{view.address}")
    description = f"预约码：{view.code}\n请带上：{WHAT_TO_BRING}"
    if view.station_phone:
        description += f"\n工作站电话：{view.station_phone}"
    event.add("description", description)
    event.add("status", "CANCELLED" if view.status == "cancelled" else "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"两小时后：{view.station_name}")
    alarm.add("trigger", timedelta(hours=-2))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
