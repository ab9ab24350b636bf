"""Nursing time and the nursing period (《女职工劳动保护特别规定》第九条).

Daily hours: 1 hour, +1 per extra baby (第九条第二款). The nursing period lasts while the baby
is under one year old (第九条第一款), i.e. to the first birthday counted under 《民法典》
第二百零一条、第二百零二条 (29 February → 28 February in a common year).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from knowledge.calculators.nursing import first_birthday, nursing_entitlement
from knowledge.errors import InvalidFactsError
from knowledge.models import (
    Law,
    LawFile,
    MaternityRule,
    NursingRule,
    ParentalLeaveRule,
    PaternityLeaveRule,
    ProvinceFile,
    Provision,
)

OWN_LAW = LawFile(
    law=Law(
        id="test_rules",
        name="测试省人口与计划生育条例",
        short_name="测试条例",
        kind="local_regulation",
        issuer="测试省人民代表大会常务委员会",
        version="测试版本",
        effective_date=None,
        revision_year=None,
        province="测试省",
        sources=[{"title": "fixture", "url": "https://example.invalid/"}],
        verification="secondary",
    ),
    provisions=[Provision(id="test_rules:24", article=24, text="测试条文", summary="测试")],
)


def province(nursing: NursingRule | None) -> ProvinceFile:
    return ProvinceFile(
        province="测试省",
        short_name="测试",
        laws=[OWN_LAW],
        maternity=MaternityRule(extra_days=60, basis=["test_rules:1"], verification="secondary"),
        paternity_leave=PaternityLeaveRule(days=15, verification="secondary"),
        parental_leave=ParentalLeaveRule(days_per_year=10, verification="secondary"),
        nursing=nursing,
        checked_on=date(2025, 1, 1),
    )


@pytest.mark.parametrize(
    ("babies", "hours"),
    [
        pytest.param(1, 1, id="one-baby-1h"),  # 第九条第二款: 1小时
        pytest.param(2, 2, id="twins-2h"),  # 每多哺乳1个婴儿每天增加1小时
        pytest.param(3, 3, id="triplets-3h"),
    ],
)
def test_daily_hours(babies: int, hours: int) -> None:
    result = nursing_entitlement(birth_date=date(2025, 3, 8), babies=babies)
    assert result.daily_hours == hours
    assert {"women_protection_rules:9.1", "women_protection_rules:9.2"} <= set(result.basis)


@pytest.mark.parametrize(
    ("birth", "end"),
    [
        pytest.param(date(2025, 3, 8), date(2026, 3, 8), id="plain"),  # 民法典第二百零二条: 对应日
        pytest.param(date(2024, 2, 29), date(2025, 2, 28), id="born-29-feb"),  # 没有对应日: 月末日
        pytest.param(date(2023, 2, 28), date(2024, 2, 28), id="born-28-feb-into-leap-year"),
        pytest.param(date(2024, 12, 31), date(2025, 12, 31), id="born-new-years-eve"),
        pytest.param(date(2023, 1, 31), date(2024, 1, 31), id="born-31-jan"),
    ],
)
def test_nursing_period_ends_on_first_birthday(birth: date, end: date) -> None:
    result = nursing_entitlement(birth_date=birth)
    assert first_birthday(birth) == end
    assert result.nursing_end_date == end
    assert result.no_overtime_or_night_until == end


def test_leap_day_birth_cites_the_civil_code_rule() -> None:
    result = nursing_entitlement(birth_date=date(2024, 2, 29))
    assert "civil_code:202" in result.basis
    assert any("2月28日" in note for note in result.notes)


@pytest.mark.parametrize(
    ("on_date", "inside"),
    [
        pytest.param(date(2025, 3, 8), True, id="birth-day"),
        pytest.param(date(2026, 3, 8), True, id="first-birthday"),
        pytest.param(date(2026, 3, 9), False, id="day-after-birthday"),
    ],
)
def test_in_nursing_period(on_date: date, inside: bool) -> None:
    result = nursing_entitlement(birth_date=date(2025, 3, 8), on_date=on_date)
    assert result.in_nursing_period is inside


def test_provincial_nursing_leave_is_reported_with_its_basis_and_caveat() -> None:
    rule = NursingRule(
        leave_description="纯母乳喂养的可以再休一个月",
        basis=["test_rules:24"],
        verification="unconfirmed",
        note="只见于二手来源",
    )
    result = nursing_entitlement(birth_date=date(2025, 3, 8), province=province(rule))
    assert result.provincial_leave == "纯母乳喂养的可以再休一个月"
    assert "test_rules:24" in result.basis
    assert any("尚未核实" in note and "二手来源" in note for note in result.notes)


def test_provincial_nursing_leave_without_own_provision_cites_nothing_provincial() -> None:
    rule = NursingRule(
        leave_description="纯母乳喂养的可以再休一个月",
        basis=["women_protection_rules:9.2"],
        verification="unconfirmed",
    )
    result = nursing_entitlement(birth_date=date(2025, 3, 8), province=province(rule))
    assert set(result.basis) == {"women_protection_rules:9.1", "women_protection_rules:9.2"}
    assert any("条文出处未能核实" in note for note in result.notes)


def test_province_without_nursing_leave_says_so() -> None:
    result = nursing_entitlement(birth_date=date(2025, 3, 8), province=province(None))
    assert result.provincial_leave is None
    assert any("没有收录" in note for note in result.notes)


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({"babies": 0}, id="zero-babies"),
        pytest.param({"on_date": date(2025, 1, 1)}, id="query-before-birth"),
    ],
)
def test_bad_facts(facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidFactsError):
        nursing_entitlement(birth_date=date(2025, 3, 8), **facts)
