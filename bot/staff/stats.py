"""Figures for the statistics page, computed from plain rows (no database here)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.booking.policy import CHINA_TZ
from bot.staff.labels import question_label

__all__ = ["Statistics", "compute"]

ATTENDED = {"checked_in", "served"}


@dataclass(frozen=True)
class Statistics:
    total: int
    cancelled: int
    per_day: list[tuple[str, int]]
    questions: list[tuple[str, int]]
    cities: list[tuple[str, int]]
    no_show_rate: float | None  # among past appointments that were not cancelled
    no_show_count: int
    attended_count: int
    no_show_by_week: list[tuple[str, int]]  # percent per week


def compute(
    rows: Iterable[tuple[datetime, str, str | None, str, str]],
    *,
    first_day: date,
    last_day: date,
    now: datetime,
) -> Statistics:
    """Bookings per day, question classes, cities and the no-show rate.

    Why the no-show rate counts only past, non-cancelled appointments: a booking still to
    come has not had the chance to be missed, and a cancelled one freed its seat.
    """
    rows = list(rows)
    per_day = Counter[date]()
    questions = Counter[str]()
    cities = Counter[str]()
    week_total = Counter[date]()
    week_missed = Counter[date]()
    cancelled = missed = attended = 0
    for starts_at, status, question, city, _service in rows:
        local = starts_at.astimezone(CHINA_TZ).date()
        if status == "cancelled":
            cancelled += 1
            continue
        per_day[local] += 1
        questions[question_label(question)] += 1
        cities[city] += 1
        if starts_at < now and status != "booked":
            week = local - timedelta(days=local.weekday())
            week_total[week] += 1
            if status == "no_show":
                missed += 1
                week_missed[week] += 1
            elif status in ATTENDED:
                attended += 1
    days = []
    day = first_day
    while day <= last_day:
        days.append((f"{day.month}/{day.day}", per_day.get(day, 0)))
        day += timedelta(days=1)
    judged = missed + attended
    weeks = sorted(week_total)
    return Statistics(
        total=sum(per_day.values()),
        cancelled=cancelled,
        per_day=days,
        questions=questions.most_common(),
        cities=cities.most_common(),
        no_show_rate=(missed / judged) if judged else None,
        no_show_count=missed,
        attended_count=attended,
        no_show_by_week=[
            (f"{w.month}/{w.day}周", round(100 * week_missed[w] / week_total[w])) for w in weeks
        ],
    )
