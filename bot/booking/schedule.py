"""Weekly schedules with dated exceptions, turned into the slots a worker can book.

A station's schedule says, per service, on which weekday it receives workers, from when
to when, how long one consultation lasts, how many workers are seen at the same time
(seats: lawyers or mediators on duty) and the buffer between consultations (notes,
the next file). Dated exceptions close a day or replace its hours (a lawyer is ill, an
extra 接待日 before a holiday). Public holidays close the day; adjusted working days
open it as the weekday they make up for (``holidays.schedule_weekday``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.booking.holidays import schedule_weekday
from bot.booking.policy import CHINA_TZ

__all__ = ["DatedException", "SlotSpec", "WeeklyRule", "generate_slots", "slot_times"]


@dataclass(frozen=True)
class WeeklyRule:
    """On ``weekday`` (0 = Monday), ``service`` runs from ``start`` to ``end``."""

    service: str
    weekday: int
    start: time
    end: time
    slot_minutes: int
    seats: int
    buffer_minutes: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) … 6 (Sunday)")
        if self.slot_minutes <= 0 or self.seats <= 0 or self.buffer_minutes < 0:
            raise ValueError("slot length and seats must be positive, buffer not negative")
        if self.end <= self.start:
            raise ValueError("a schedule must end after it starts")


@dataclass(frozen=True)
class DatedException:
    """On ``day``, ``service`` (or every service when None) is closed or runs other hours."""

    day: date
    service: str | None = None
    closed: bool = True
    start: time | None = None
    end: time | None = None
    seats: int | None = None
    note: str | None = None

    def applies_to(self, service: str) -> bool:
        return self.service is None or self.service == service


@dataclass(frozen=True, order=True)
class SlotSpec:
    """One bookable time, in China time, as generated from a schedule."""

    starts_at: datetime
    ends_at: datetime
    service: str
    seats: int


def slot_times(
    day: date, start: time, end: time, slot_minutes: int, buffer_minutes: int
) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive consultations from ``start``, separated by the buffer, ending by ``end``."""
    cursor = datetime.combine(day, start, tzinfo=CHINA_TZ)
    closing = datetime.combine(day, end, tzinfo=CHINA_TZ)
    length, gap = timedelta(minutes=slot_minutes), timedelta(minutes=buffer_minutes)
    while cursor + length <= closing:
        yield cursor, cursor + length
        cursor += length + gap


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def generate_slots(
    rules: Iterable[WeeklyRule],
    exceptions: Iterable[DatedException],
    *,
    first_day: date,
    last_day: date,
) -> list[SlotSpec]:
    """Every slot from ``first_day`` to ``last_day`` inclusive, sorted by start.

    An exception with hours replaces that day's hours for its service (opening the day
    even when the week's schedule or a holiday would keep it closed: staff decided so).
    """
    rules = list(rules)
    by_day: dict[date, list[DatedException]] = {}
    for exception in exceptions:
        by_day.setdefault(exception.day, []).append(exception)
    services = sorted({rule.service for rule in rules})
    slots: list[SlotSpec] = []
    for day in _days(first_day, last_day):
        weekday = schedule_weekday(day)
        for service in services:
            service_rules = [r for r in rules if r.service == service]
            todays = [e for e in by_day.get(day, []) if e.applies_to(service)]
            override = next((e for e in todays if not e.closed and e.start and e.end), None)
            if override is not None and override.start and override.end:
                template = next((r for r in service_rules if r.weekday == weekday), None)
                template = template or service_rules[0]
                seats = override.seats or template.seats
                for start, end in slot_times(
                    day,
                    override.start,
                    override.end,
                    template.slot_minutes,
                    template.buffer_minutes,
                ):
                    slots.append(SlotSpec(start, end, service, seats))
                continue
            if weekday is None or any(e.closed for e in todays):
                continue
            for rule in service_rules:
                if rule.weekday != weekday:
                    continue
                for start, end in slot_times(
                    day, rule.start, rule.end, rule.slot_minutes, rule.buffer_minutes
                ):
                    slots.append(SlotSpec(start, end, service, rule.seats))
    return sorted(slots)
