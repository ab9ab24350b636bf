"""Maternity allowance estimates.

Base: the employer's average monthly wage of the previous year, paid by the fund
(社会保险法第五十六条; 特别规定第八条第一款); without maternity insurance the employer pays at
her pre-leave wage (第八条第一款). Daily divisors ÷30 and ×12÷365 as reported in
legal_facts.md §4 (广州 穗府办规〔2022〕17号第四条; an unnamed locality's ×12÷365). Amounts are
worked out by hand below and rounded half up to the fen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from knowledge.calculators.allowance import maternity_allowance
from knowledge.errors import InvalidFactsError
from knowledge.models import (
    AllowanceRule,
    MaternityRule,
    ParentalLeaveRule,
    PaternityLeaveRule,
    ProvinceFile,
)


def province(**allowance: Any) -> ProvinceFile:
    return ProvinceFile(
        province="测试省",
        short_name="测试",
        maternity=MaternityRule(extra_days=60, basis=["test_rules:1"], verification="secondary"),
        paternity_leave=PaternityLeaveRule(days=15, verification="secondary"),
        parental_leave=ParentalLeaveRule(days_per_year=10, verification="secondary"),
        allowance=AllowanceRule(**allowance),
        checked_on=date(2025, 1, 1),
    )


@pytest.mark.parametrize(
    ("rule", "amounts"),
    [
        # 9000 ÷ 30 × 158 = 47400.00
        pytest.param(
            {
                "daily_divisor": "30",
                "pays_provincial_extra_days": True,
                "verification": "secondary",
            },
            [("30", 158, "300.00", "47400.00")],
            id="divide-by-30",
        ),
        # 9000 × 12 ÷ 365 × 158 = 46750.684… → 46750.68; daily 295.890… → 295.89
        pytest.param(
            {
                "daily_divisor": "30.4",
                "pays_provincial_extra_days": True,
                "verification": "secondary",
            },
            [("30.4", 158, "295.89", "46750.68")],
            id="times-12-over-365",
        ),
        # fund does not pay the 60 provincial days: 9000 ÷ 30 × 98 = 29400.00
        pytest.param(
            {
                "daily_divisor": "30",
                "pays_provincial_extra_days": False,
                "verification": "secondary",
            },
            [("30", 98, "300.00", "29400.00")],
            id="fund-skips-provincial-days",
        ),
        # nothing known: both divisors × both day counts
        pytest.param(
            {},
            [
                ("30", 158, "300.00", "47400.00"),
                ("30.4", 158, "295.89", "46750.68"),
                ("30", 98, "300.00", "29400.00"),
                ("30.4", 98, "295.89", "28997.26"),  # 108000 ÷ 365 × 98 = 28997.260…
            ],
            id="unknown-rules-all-shown",
        ),
    ],
)
def test_insured_estimates(rule: dict[str, Any], amounts: list[tuple[str, int, str, str]]) -> None:
    result = maternity_allowance(
        leave_days=158,
        provincial_extra_days=60,
        province=province(**rule),
        employer_avg_monthly_wage="9000",
    )
    got = [(e.divisor, e.days, str(e.daily_rate), str(e.amount)) for e in result.estimates]
    assert got == amounts
    assert result.payer == "生育保险基金"
    assert {"women_protection_rules:8.1", "social_insurance_law:56"} <= set(result.basis)


def test_estimate_flag_and_caveat_when_divisor_unknown() -> None:
    result = maternity_allowance(leave_days=98, employer_avg_monthly_wage=Decimal("6000"))
    assert result.is_estimate
    assert any("÷30" in note for note in result.notes)


def test_known_rules_give_a_single_figure() -> None:
    result = maternity_allowance(
        leave_days=98,
        province=province(
            daily_divisor="30", pays_provincial_extra_days=True, verification="secondary"
        ),
        employer_avg_monthly_wage=6000,
    )
    assert not result.is_estimate
    assert [str(e.amount) for e in result.estimates] == ["19600.00"]  # 6000 ÷ 30 × 98


def test_unconfirmed_allowance_rule_is_flagged() -> None:
    result = maternity_allowance(
        leave_days=98,
        province=province(daily_divisor="30", verification="unconfirmed", note="只见于二手来源"),
        employer_avg_monthly_wage=6000,
    )
    assert any("尚未核实" in note for note in result.notes)


def test_not_insured_employer_pays_pre_leave_wage() -> None:
    # 特别规定第八条第一款: 未参加生育保险的，按照女职工产假前工资的标准由用人单位支付
    result = maternity_allowance(
        leave_days=98,
        provincial_extra_days=0,
        province=province(daily_divisor="30", verification="secondary"),
        insured=False,
        pre_leave_monthly_wage="6000",
    )
    assert result.payer == "用人单位"
    assert [str(e.amount) for e in result.estimates] == ["19600.00"]  # 6000 ÷ 30 × 98
    assert "social_insurance_law:56" not in result.basis
    assert result.is_estimate


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({"leave_days": 98}, id="no-wage"),
        pytest.param({"leave_days": 98, "employer_avg_monthly_wage": "-1"}, id="negative-wage"),
        pytest.param({"leave_days": 98, "employer_avg_monthly_wage": "abc"}, id="not-a-number"),
        pytest.param({"leave_days": 0, "employer_avg_monthly_wage": "6000"}, id="zero-days"),
        pytest.param(
            {"leave_days": 98, "provincial_extra_days": 99, "employer_avg_monthly_wage": "6000"},
            id="provincial-over-total",
        ),
        pytest.param({"leave_days": 98, "insured": False}, id="uninsured-without-wage"),
    ],
)
def test_bad_facts(facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidFactsError):
        maternity_allowance(**facts)
