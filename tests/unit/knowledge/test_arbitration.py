"""The one-year arbitration time limit (劳动争议调解仲裁法第二十七条).

Counting under 民法典第二百零一条、第二百零二条 (first day not counted; corresponding date, or
the month's last day); holidays from the State Council notices (chinese-calendar data).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from knowledge.calculators.arbitration import arbitration_deadline
from knowledge.errors import InvalidFactsError


@pytest.mark.parametrize(
    ("facts", "deadline"),
    [
        # 第一款: 一年，自知道或者应当知道之日起 → same date next year (2025-03-10 is a Monday)
        pytest.param({"knew_date": date(2024, 3, 10)}, date(2025, 3, 10), id="one-year"),
        # 29 February: no corresponding day → 28 February (民法典第二百零二条)
        pytest.param({"knew_date": date(2024, 2, 29)}, date(2025, 2, 28), id="from-29-feb"),
        # 第二款: interruption restarts the year from the interruption
        pytest.param(
            {"knew_date": date(2024, 3, 10), "interruptions": [date(2024, 9, 1)]},
            date(2025, 9, 1),
            id="interrupted",
        ),
        # two interruptions, given out of order
        pytest.param(
            {"knew_date": date(2024, 3, 10), "interruptions": [date(2025, 2, 1), date(2024, 9, 1)]},
            date(2026, 2, 1),
            id="interrupted-twice",
        ),
        # interruption after expiry does not revive the period
        pytest.param(
            {"knew_date": date(2024, 3, 10), "interruptions": [date(2025, 4, 1)]},
            date(2025, 3, 10),
            id="interruption-too-late",
        ),
        # 第三款: suspension 2024-06-01..2024-07-01 pauses it: 282 days remained → 2024-07-01 + 282
        pytest.param(
            {"knew_date": date(2024, 3, 10), "suspensions": [(date(2024, 6, 1), date(2024, 7, 1))]},
            date(2025, 4, 9),
            id="suspended-30-days",
        ),
        # 第四款: unpaid wages, employment ended 2024-06-30 → one year from the end
        pytest.param(
            {"wage_arrears": True, "employment_ended": date(2024, 6, 30)},
            date(2025, 6, 30),
            id="wages-after-employment-ends",
        ),
    ],
)
def test_deadline(facts: dict[str, Any], deadline: date) -> None:
    result = arbitration_deadline(**facts)
    assert result.deadline == deadline
    assert "labor_dispute_law:27" in result.basis


def test_wage_arrears_during_employment_have_no_limit() -> None:
    result = arbitration_deadline(wage_arrears=True, today=date(2025, 1, 1))
    assert result.deadline is None
    assert result.expired is False
    assert any("不受一年时效的限制" in note for note in result.notes)


def test_last_day_on_holiday_gives_the_later_date_and_keeps_the_safe_one() -> None:
    # 2025-10-01 is 国庆; National Day + Mid-Autumn 2025 run 10-01..10-08, so the last day
    # moves to 10-09 (民法典第二百零三条)
    result = arbitration_deadline(knew_date=date(2024, 10, 1))
    assert result.deadline == date(2025, 10, 1)
    assert result.holiday_extended_deadline == date(2025, 10, 9)
    assert "civil_code:203" in result.basis


@pytest.mark.parametrize(
    ("today", "expired", "days_left"),
    [
        pytest.param(date(2025, 3, 1), False, 9, id="nine-days-left"),
        pytest.param(date(2025, 3, 10), False, 0, id="last-day"),
        pytest.param(date(2025, 3, 11), True, 0, id="expired"),
    ],
)
def test_expiry(today: date, expired: bool, days_left: int) -> None:
    result = arbitration_deadline(knew_date=date(2024, 3, 10), today=today)
    assert (result.expired, result.days_left) == (expired, days_left)
    if expired:
        assert any("可能已经届满" in note for note in result.notes)


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({}, id="no-date"),
        pytest.param(
            {"knew_date": date(2024, 3, 10), "suspensions": [(date(2024, 7, 1), date(2024, 6, 1))]},
            id="suspension-ends-before-it-starts",
        ),
    ],
)
def test_bad_facts(facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidFactsError):
        arbitration_deadline(**facts)
