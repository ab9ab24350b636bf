"""Maternity allowance (生育津贴) estimate.

National law fixes only the base: the employer's average monthly wage of the previous year
(《社会保险法》第五十六条; 《女职工劳动保护特别规定》第八条第一款), paid by the maternity
insurance fund. When the employer did not enrol her in maternity insurance, the employer
pays at her pre-leave wage (第八条第一款). How a monthly figure becomes a daily one (÷30,
or ×12÷365, i.e. ÷30.4) and whether the fund pays the province's extra days are local
rules; where the province file does not settle them, every alternative is shown and the
result says it is an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from knowledge.calculators import basis as B
from knowledge.calculators._common import (
    dedupe,
    money,
    own_provisions,
    to_decimal,
    unconfirmed_caveat,
)
from knowledge.errors import InvalidFactsError
from knowledge.models import ProvinceFile

__all__ = ["AllowanceEstimate", "AllowanceResult", "maternity_allowance"]

DIVISORS: dict[str, tuple[Decimal, Decimal, str]] = {
    # label: (multiplier, divisor, wording) so that daily = monthly × multiplier ÷ divisor
    "30": (Decimal(1), Decimal(30), "月平均工资÷30"),
    "30.4": (Decimal(12), Decimal(365), "月平均工资×12÷365（约÷30.4）"),
}


@dataclass(frozen=True)
class AllowanceEstimate:
    """One way of computing the amount; several when local rules are not known."""

    divisor: str
    method: str
    daily_rate: Decimal
    days: int
    amount: Decimal

    def as_dict(self) -> dict[str, object]:
        return {
            "divisor": self.divisor,
            "method": self.method,
            "daily_rate": str(self.daily_rate),
            "days": self.days,
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class AllowanceResult:
    """Who pays, on what base, and the estimated amounts."""

    payer: str
    monthly_base: Decimal
    estimates: tuple[AllowanceEstimate, ...]
    is_estimate: bool
    basis: tuple[str, ...]
    notes: tuple[str, ...]
    province: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "province": self.province,
            "payer": self.payer,
            "monthly_base": str(self.monthly_base),
            "is_estimate": self.is_estimate,
            "estimates": [estimate.as_dict() for estimate in self.estimates],
            "basis": list(self.basis),
            "notes": list(self.notes),
        }


def _estimate(monthly: Decimal, label: str, days: int) -> AllowanceEstimate:
    multiplier, divisor, wording = DIVISORS[label]
    return AllowanceEstimate(
        divisor=label,
        method=f"{wording}×{days}天",
        daily_rate=money(monthly * multiplier / divisor),
        days=days,
        amount=money(monthly * multiplier * days / divisor),
    )


def maternity_allowance(
    *,
    leave_days: int,
    provincial_extra_days: int = 0,
    province: ProvinceFile | None = None,
    insured: bool = True,
    employer_avg_monthly_wage: Decimal | int | str | None = None,
    pre_leave_monthly_wage: Decimal | int | str | None = None,
) -> AllowanceResult:
    """Estimate her maternity allowance for ``leave_days`` days of leave.

    ``provincial_extra_days`` is the part of the leave that the province adds on top of
    the national days (from ``maternity_leave``), needed because some funds do not pay it.
    With ``insured`` false the employer pays at ``pre_leave_monthly_wage`` instead.
    """
    if leave_days <= 0:
        raise InvalidFactsError("产假天数必须大于0。")
    if not 0 <= provincial_extra_days <= leave_days:
        raise InvalidFactsError("本省增加的产假天数应在0到产假总天数之间。")
    notes: list[str] = []
    ids = [B.ALLOWANCE_RULE]
    if insured:
        if employer_avg_monthly_wage is None:
            raise InvalidFactsError(
                "请提供单位上年度职工月平均工资（元），生育津贴按这个标准计算。"
            )
        monthly = to_decimal(employer_avg_monthly_wage, what="单位上年度职工月平均工资")
        payer = "生育保险基金"
        ids.append("social_insurance_law:56")
        notes.append(
            "已参加生育保险的，生育津贴按单位上年度职工月平均工资的标准，由生育保险基金支付。"
        )
    else:
        if pre_leave_monthly_wage is None:
            raise InvalidFactsError(
                "单位没有为您参加生育保险时，由单位按您产假前的工资标准支付，请提供产假前的月工资（元）。"
            )
        monthly = to_decimal(pre_leave_monthly_wage, what="产假前月工资")
        payer = "用人单位"
        notes.append("单位没有为您参加生育保险的，产假期间由单位按您产假前的工资标准支付。")

    rule = province.allowance if province else None
    if rule is not None and rule.daily_divisor != "unknown":
        labels = [rule.daily_divisor]
    else:
        labels = ["30", "30.4"]
        notes.append(
            "日津贴怎样折算（÷30 还是 ×12÷365）由当地规定，本省的做法尚未核实，"
            "下面两种算法都列出，仅供估算。"
        )

    day_options = [leave_days]
    if insured and provincial_extra_days:
        pays_extra = rule.pays_provincial_extra_days if rule else None
        if pays_extra is False:
            day_options = [leave_days - provincial_extra_days]
            notes.append(
                f"按本省规定，生育保险基金不支付本省增加的{provincial_extra_days}天产假的津贴；"
                "这几天的待遇怎样发放，请向当地人社部门确认。"
            )
        elif pays_extra is None:
            day_options = [leave_days, leave_days - provincial_extra_days]
            notes.append(
                f"生育保险基金是否支付本省增加的{provincial_extra_days}天产假的津贴尚未核实，"
                "下面分别按包含和不包含这些天数估算。"
            )
    if rule is not None and province is not None:
        own = own_provisions(province, rule.basis)
        ids.extend(own)
        uses_local_rule = rule.daily_divisor != "unknown" or (
            insured and provincial_extra_days and rule.pays_provincial_extra_days is not None
        )
        if uses_local_rule and not own:
            notes.append("本省生育津贴计发办法的条文出处未能核实，请以当地规定为准。")
        caveat = unconfirmed_caveat("本省生育津贴的计发办法", rule.verification, rule.note)
        if caveat:
            notes.append(caveat)
    estimates = tuple(_estimate(monthly, label, days) for days in day_options for label in labels)
    is_estimate = (
        not insured or len(estimates) > 1 or rule is None or rule.daily_divisor == "unknown"
    )
    if insured:
        notes.append("实际金额以社保经办机构核定为准。")
    else:
        notes.append("以上按月工资折算到天，仅供估算；实际以单位按您产假前工资标准支付的数额为准。")
    return AllowanceResult(
        payer=payer,
        monthly_base=money(monthly),
        estimates=estimates,
        is_estimate=is_estimate,
        basis=dedupe(ids),
        notes=tuple(notes),
        province=province.province if province else None,
    )
