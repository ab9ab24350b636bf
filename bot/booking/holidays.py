"""Which days a station opens: China's public holidays and adjusted working days.

The State Council publishes each year's holidays and the weekend days worked in exchange
(调休上班) late in the year before; ``chinese-calendar`` carries them. A weekday that is
a holiday or a day off in lieu is closed. A weekend day that is an adjusted working day
runs the schedule of the weekday it makes up for (the in-lieu day of the same holiday,
paired in date order). For a year the package does not know yet, only the fixed-date
holidays (元旦, 劳动节, 国庆节) are known: those are closed and the rest follows the
plain week, and ``holiday_data_known`` says so, so staff can add closures by hand.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date

import chinese_calendar

__all__ = ["DayKind", "classify_day", "holiday_data_known", "schedule_weekday"]

# 《全国年节及纪念日放假办法》 (2024 revision): fixed-date days of the solar calendar.
_FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


class DayKind:
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a public holiday or a day off in lieu
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend day worked in exchange


def holiday_data_known(day: date) -> bool:
    """Whether the official holiday arrangement for ``day``'s year is known."""
    try:
        chinese_calendar.is_holiday(day)
    except NotImplementedError:
        return False
    return True


def classify_day(day: date) -> str:
    """One of the ``DayKind`` values for ``day``."""
    weekend = day.weekday() >= 5
    if not holiday_data_known(day):
        if (day.month, day.day) in _FIXED_HOLIDAYS:
            return DayKind.HOLIDAY
        return DayKind.WEEKEND if weekend else DayKind.WORKDAY
    if chinese_calendar.is_workday(day):
        return DayKind.ADJUSTED_WORKDAY if weekend else DayKind.WORKDAY
    if weekend and not chinese_calendar.is_in_lieu(day):
        _, name = chinese_calendar.get_holiday_detail(day)
        return DayKind.HOLIDAY if name else DayKind.WEEKEND
    return DayKind.HOLIDAY


@functools.cache
def _adjusted_pairs(year: int) -> dict[date, date]:
    """Each adjusted working day of ``year`` → the in-lieu weekday it pays for."""
    worked: dict[str, list[date]] = defaultdict(list)
    off: dict[str, list[date]] = defaultdict(list)
    for day, name in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            worked[str(name)].append(day)
    for day, name in chinese_calendar.in_lieu_days.items():
        if abs(day.year - year) <= 1 and day.weekday() < 5:
            off[str(name)].append(day)
    pairs: dict[date, date] = {}
    for name, days in worked.items():
        lieu = sorted(d for d in off.get(name, []) if abs((d - min(days)).days) < 60)
        for worked_day, lieu_day in zip(sorted(days), lieu, strict=False):
            pairs[worked_day] = lieu_day
    return pairs


def schedule_weekday(day: date) -> int | None:
    """The weekday (0 = Monday) whose weekly schedule applies on ``day``; None if closed.

    Weekend schedules (a station that opens on Saturdays) apply on weekends that are not
    holidays; adjusted working days follow the weekday they make up for.
    """
    kind = classify_day(day)
    if kind == DayKind.HOLIDAY:
        return None
    if kind == DayKind.ADJUSTED_WORKDAY:
        paired = _adjusted_pairs(day.year).get(day)
        return paired.weekday() if paired else None
    return day.weekday()
