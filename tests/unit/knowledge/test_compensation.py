"""Economic compensation and the double compensation for unlawful termination.

劳动合同法第四十七条: one month per full year; 6 months or more → one year; under 6 months →
half a month; high earners capped at 3× the local average monthly wage and 12 years.
第八十七条 and 实施条例第二十五条: twice the standard, counted from the start of employment.
第九十七条第三款: economic compensation years under this law count from 2008-01-01.
实施条例第二十七条: the monthly wage is at least the local minimum wage.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from knowledge.calculators.compensation import economic_compensation, service_length
from knowledge.errors import InvalidFactsError


@pytest.mark.parametrize(
    ("facts", "months", "amount"),
    [
        pytest.param(
            {"start_date": date(2021, 1, 1), "last_day": date(2023, 12, 31)},
            "3",
            "30000.00",
            id="three-full-years",
        ),
        pytest.param(
            {"start_date": date(2021, 1, 1), "last_day": date(2024, 6, 30)},
            "4",
            "40000.00",
            id="six-months-count-as-a-year",
        ),
        pytest.param(
            {"start_date": date(2021, 1, 1), "last_day": date(2024, 5, 31)},
            "3.5",
            "35000.00",
            id="five-months-half-month",
        ),
        pytest.param(
            {"start_date": date(2024, 1, 1), "last_day": date(2024, 3, 31)},
            "0.5",
            "5000.00",
            id="under-six-months-half",
        ),
        pytest.param(
            {"start_date": date(2024, 1, 1), "last_day": date(2024, 6, 30)},
            "1",
            "10000.00",
            id="exactly-six-months",
        ),
        pytest.param(
            {"start_date": date(2024, 1, 1), "last_day": date(2024, 6, 29)},
            "0.5",
            "5000.00",
            id="one-day-short-of-six-months",
        ),
    ],
)
def test_months_of_compensation(facts: dict[str, Any], months: str, amount: str) -> None:
    result = economic_compensation(monthly_wage="10000", **facts)
    assert result.months == Decimal(months)
    assert str(result.economic_compensation) == amount
    assert "labor_contract_law:47" in result.basis


@pytest.mark.parametrize(
    ("wage", "local_avg", "months", "base", "capped"),
    [
        # 40000 > 3 × 10000: base 30000, 15 years capped at 12 → 360000
        pytest.param("40000", "10000", "12", "30000.00", True, id="capped-at-3x-and-12-years"),
        # exactly 3×: not "高于", no cap → 15 × 30000
        pytest.param("30000", "10000", "15", "30000.00", False, id="exactly-3x-not-capped"),
        # no local average given: no cap applied, and the result says so
        pytest.param("40000", None, "15", "40000.00", False, id="cap-unknown"),
    ],
)
def test_high_earner_cap(
    wage: str, local_avg: str | None, months: str, base: str, capped: bool
) -> None:
    result = economic_compensation(
        monthly_wage=wage,
        start_date=date(2009, 1, 1),
        last_day=date(2023, 12, 31),
        local_avg_monthly_wage=local_avg,
    )
    assert (result.months, str(result.monthly_base), result.capped) == (
        Decimal(months),
        base,
        capped,
    )
    if local_avg is None:
        assert any("三倍" in note for note in result.notes)


def test_minimum_wage_floor() -> None:
    # 实施条例第二十七条: 1500 below a 2000 minimum → 2000 × 2 years
    result = economic_compensation(
        monthly_wage="1500",
        minimum_wage="2000",
        start_date=date(2022, 1, 1),
        last_day=date(2023, 12, 31),
    )
    assert str(result.economic_compensation) == "4000.00"


def test_double_compensation_for_unlawful_termination() -> None:
    # 第八十七条: 2 × (4 months × 10000)
    result = economic_compensation(
        monthly_wage="10000", start_date=date(2021, 1, 1), last_day=date(2024, 6, 30), unlawful=True
    )
    assert str(result.unlawful_compensation) == "80000.00"
    assert {"labor_contract_law:87", "labor_contract_law_regulations:25"} <= set(result.basis)
    assert any("不再支付经济补偿" in note for note in result.notes)


def test_before_2008_compensation_from_2008_double_from_start() -> None:
    # 2005-07-01..2010-06-30: economic from 2008-01-01 → 2y6m → 3 months (第九十七条第三款);
    # unlawful from the start of employment → 5 years → 2 × 5 months (实施条例第二十五条)
    result = economic_compensation(
        monthly_wage="10000", start_date=date(2005, 7, 1), last_day=date(2010, 6, 30), unlawful=True
    )
    assert str(result.economic_compensation) == "30000.00"
    assert result.unlawful_months == Decimal(5)
    assert str(result.unlawful_compensation) == "100000.00"
    assert "labor_contract_law:97" in result.basis


def test_rounding_to_the_fen() -> None:
    # 8333.335 × 0.5 = 4166.6675 → 4166.67 (half up)
    result = economic_compensation(
        monthly_wage="8333.335", start_date=date(2024, 1, 1), last_day=date(2024, 2, 29)
    )
    assert str(result.economic_compensation) == "4166.67"


@pytest.mark.parametrize(
    ("start", "last", "text"),
    [
        pytest.param(date(2020, 2, 29), date(2021, 2, 27), "1年0个月0天", id="leap-start"),
        # a month from 31 January runs to February's last day (民法典第二百零二条)
        pytest.param(date(2020, 1, 31), date(2020, 2, 28), "0年1个月0天", id="short-february"),
        pytest.param(date(2020, 1, 31), date(2020, 2, 29), "0年1个月1天", id="to-leap-day"),
        pytest.param(date(2021, 3, 15), date(2024, 9, 14), "3年6个月0天", id="three-and-a-half"),
    ],
)
def test_service_length(start: date, last: date, text: str) -> None:
    assert service_length(start, last).text() == text


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param(
            {"start_date": date(2024, 1, 1), "last_day": date(2023, 1, 1)}, id="ends-before-start"
        ),
        pytest.param(
            {"start_date": date(2000, 1, 1), "last_day": date(2007, 6, 30)}, id="ended-before-2008"
        ),
        pytest.param(
            {"start_date": date(2020, 1, 1), "last_day": date(2023, 1, 1), "monthly_wage": "0"},
            id="zero-wage",
        ),
    ],
)
def test_bad_facts(facts: dict[str, Any]) -> None:
    facts.setdefault("monthly_wage", "10000")
    with pytest.raises(InvalidFactsError):
        economic_compensation(**facts)
