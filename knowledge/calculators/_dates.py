"""Date arithmetic shared by the calculators.

Periods counted in years or months follow 《民法典》第二百零一条、第二百零二条: the first
day is not counted, and the period ends on the corresponding day of the final month, or on
that month's last day when it has no corresponding day (a 29 February start ends on
28 February in a common year). Public holidays come from the ``chinese-calendar`` package,
which only knows the years the State Council has published; outside them we say so rather
than guess.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants as _calendar_data

__all__ = [
    "HOLIDAY_YEARS",
    "HolidayDataMissing",
    "add_months",
    "add_years",
    "count_statutory_holidays",
    "extend_for_holidays",
    "holidays_known_for",
    "is_rest_day",
    "next_working_day",
    "working_days_end",
]

HOLIDAY_YEARS: frozenset[int] = frozenset(day.year for day in _calendar_data.holidays)


class HolidayDataMissing(Exception):
    """The holiday calendar of a year is not known (not yet published, or too old)."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (民法典第二百零二条)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(start: date, years: int) -> date:
    """The corresponding day ``years`` later; 29 February falls back to 28 February."""
    return add_months(start, 12 * years)


def holidays_known_for(first: date, last: date) -> bool:
    """Whether the holiday calendar covers every year from ``first`` to ``last``."""
    return all(year in HOLIDAY_YEARS for year in range(first.year, last.year + 1))


def _require_year(day: date) -> None:
    if day.year not in HOLIDAY_YEARS:
        raise HolidayDataMissing(day.year)


def _is_statutory_holiday(day: date) -> bool:
    """A working day given off for a public holiday, not a swapped (调休) day.

    The State Council's yearly notice turns the statutory holidays into blocks of days off;
    a holiday that falls on a weekend is given back on a weekday (补休). Counting the
    weekdays off that are not swaps therefore yields the number of statutory holiday days
    the worker loses, which is what "遇法定节假日顺延" gives back.
    """
    _require_year(day)
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return bool(on_holiday and name and day.weekday() < 5 and not chinese_calendar.is_in_lieu(day))


def count_statutory_holidays(first: date, last: date) -> int:
    """Statutory holiday days (see ``_is_statutory_holiday``) from ``first`` to ``last``."""
    count = 0
    day = first
    while day <= last:
        count += _is_statutory_holiday(day)
        day += timedelta(days=1)
    return count


def extend_for_holidays(first: date, days: int) -> tuple[date, int]:
    """End of a ``days``-long stretch from ``first`` that is extended by holidays inside it.

    Returns the last day and the number of days added. Raises ``HolidayDataMissing`` when a
    year involved has no published holiday calendar.
    """
    last = first + timedelta(days=days - 1)
    added = count_statutory_holidays(first, last)
    counted = added
    while counted:
        new_last = last + timedelta(days=counted)
        counted = count_statutory_holidays(last + timedelta(days=1), new_last)
        added += counted
        last = new_last
    return last, added


def working_days_end(first: date, days: int) -> date:
    """The last day of a stretch of ``days`` working days starting on or after ``first``."""
    counted = 0
    day = first - timedelta(days=1)
    while counted < days:
        day += timedelta(days=1)
        _require_year(day)
        counted += chinese_calendar.is_workday(day)
    return day


def is_rest_day(day: date) -> bool:
    """Whether ``day`` is a holiday or weekend day off under the published calendar."""
    _require_year(day)
    return not chinese_calendar.is_workday(day)


def next_working_day(day: date) -> date:
    """The first working day after ``day``."""
    following = day + timedelta(days=1)
    while is_rest_day(following):
        following += timedelta(days=1)
    return following
