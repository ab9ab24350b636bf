"""Economic compensation (经济补偿) and compensation for unlawful termination (赔偿金).

《劳动合同法》第四十七条: one month's wage for each full year of service; six months or more
of a started year count as a year, less than six months as half a month. A worker whose
monthly wage exceeds three times the local average monthly wage of the previous year gets
at most three times that average per month, for at most twelve years. The monthly wage is
the average of the last twelve months (第三款), at least the local minimum wage
(实施条例第二十七条). Unlawful termination (第四十八条) is paid at twice that standard
(第八十七条), counted from the first day of employment (实施条例第二十五条), and replaces the
economic compensation. For service before 2008, economic compensation under this law is
counted from 2008-01-01 (第九十七条第三款); earlier years follow the rules of the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from knowledge.calculators._common import dedupe, money, to_decimal
from knowledge.calculators._dates import add_months, add_years
from knowledge.errors import InvalidFactsError

__all__ = ["CompensationResult", "ServiceLength", "economic_compensation", "service_length"]

LAW_IN_FORCE = date(2008, 1, 1)  # 劳动合同法第九十八条
CAP_MULTIPLE = Decimal(3)
CAP_YEARS = 12


@dataclass(frozen=True)
class ServiceLength:
    """Whole years, whole months and remaining days of service."""

    years: int
    months: int
    days: int

    def compensation_months(self) -> Decimal:
        """Months of pay under 第四十七条第一款."""
        if self.months >= 6:
            return Decimal(self.years + 1)
        if self.months or self.days:
            return Decimal(self.years) + Decimal("0.5")
        return Decimal(self.years)

    def text(self) -> str:
        return f"{self.years}年{self.months}个月{self.days}天"


def service_length(start: date, last_day: date) -> ServiceLength:
    """Service from ``start`` through ``last_day`` inclusive, in whole years, months, days."""
    if last_day < start:
        raise InvalidFactsError("离职（合同解除或终止）日期不能早于入职日期，请核对。")
    stop = last_day + timedelta(days=1)
    years = 0
    while add_years(start, years + 1) <= stop:
        years += 1
    anchor = add_years(start, years)
    months = 0
    while add_months(anchor, months + 1) <= stop:
        months += 1
    days = (stop - add_months(anchor, months)).days
    return ServiceLength(years, months, days)


@dataclass(frozen=True)
class CompensationResult:
    """Economic compensation, and the double amount where the termination was unlawful."""

    monthly_base: Decimal
    capped: bool
    service: ServiceLength
    months: Decimal
    economic_compensation: Decimal
    unlawful_months: Decimal | None
    unlawful_compensation: Decimal | None
    basis: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "monthly_base": str(self.monthly_base),
            "capped": self.capped,
            "service": self.service.text(),
            "months": str(self.months),
            "economic_compensation": str(self.economic_compensation),
            "unlawful_months": None if self.unlawful_months is None else str(self.unlawful_months),
            "unlawful_compensation": (
                None if self.unlawful_compensation is None else str(self.unlawful_compensation)
            ),
            "basis": list(self.basis),
            "notes": list(self.notes),
        }


def _months_and_base(
    service: ServiceLength, wage: Decimal, cap: Decimal | None
) -> tuple[Decimal, Decimal, bool]:
    months = service.compensation_months()
    if cap is not None and wage > cap:
        return min(months, Decimal(CAP_YEARS)), cap, True
    return months, wage, False


def economic_compensation(
    *,
    monthly_wage: Decimal | int | str,
    start_date: date,
    last_day: date,
    local_avg_monthly_wage: Decimal | int | str | None = None,
    minimum_wage: Decimal | int | str | None = None,
    unlawful: bool = False,
) -> CompensationResult:
    """Compensation for a contract ended on ``last_day`` after starting on ``start_date``.

    ``monthly_wage`` is her average monthly wage over the last twelve months (or over the
    months worked, if fewer). ``local_avg_monthly_wage`` enables the high-earner cap;
    ``minimum_wage`` the minimum-wage floor. ``unlawful`` adds the 赔偿金 at twice the
    standard, which is then paid instead of the economic compensation.
    """
    wage = to_decimal(monthly_wage, what="月工资")
    notes: list[str] = []
    ids = ["labor_contract_law:47", "labor_contract_law_regulations:27"]
    if minimum_wage is not None:
        floor = to_decimal(minimum_wage, what="当地最低工资标准")
        if wage < floor:
            wage = floor
            notes.append(
                "您前12个月的平均工资低于当地最低工资标准，按最低工资标准计算（劳动合同法实施条例第二十七条）。"
            )
    cap = None
    if local_avg_monthly_wage is not None:
        cap = CAP_MULTIPLE * to_decimal(local_avg_monthly_wage, what="当地上年度职工月平均工资")
    else:
        notes.append(
            "如果您的月工资高于当地上年度职工月平均工资的三倍，补偿按三倍封顶、最多计12年；"
            "本次没有提供当地平均工资，没有做封顶计算。"
        )

    counted_from = max(start_date, LAW_IN_FORCE)
    if last_day < start_date:
        raise InvalidFactsError("离职（合同解除或终止）日期不能早于入职日期，请核对。")
    if last_day < LAW_IN_FORCE:
        raise InvalidFactsError(
            "合同在2008年1月1日劳动合同法施行以前解除或终止的，本计算器不适用，请咨询专业人士。"
        )
    service = service_length(counted_from, last_day)
    months, base, capped = _months_and_base(service, wage, cap)
    if start_date < LAW_IN_FORCE:
        ids.append("labor_contract_law:97")
        notes.append(
            "您在2008年1月1日以前入职：经济补偿年限自2008年1月1日起计算；此前的年限按当时的有关规定处理"
            "（劳动合同法第九十七条），请咨询当地人社部门。"
        )
    if capped:
        notes.append(
            f"您的月工资高于当地上年度职工月平均工资的三倍，按三倍（{money(base)}元）计算，年限最多按12年（劳动合同法第四十七条第二款）。"
        )
    economic = money(base * months)

    unlawful_months = unlawful_amount = None
    if unlawful:
        ids += [
            "labor_contract_law:48",
            "labor_contract_law:87",
            "labor_contract_law_regulations:25",
        ]
        full_service = service_length(start_date, last_day)
        unlawful_months, unlawful_base, _ = _months_and_base(full_service, wage, cap)
        unlawful_amount = money(2 * unlawful_base * unlawful_months)
        notes.append(
            "单位违法解除或终止劳动合同、您不要求继续履行的，按经济补偿标准的二倍支付赔偿金，"
            "年限自用工之日起计算；支付了赔偿金的，不再支付经济补偿。您也可以要求继续履行劳动合同。"
        )
    else:
        ids.append("labor_contract_law:46")
        notes.append(
            "经济补偿只在劳动合同法第四十六条规定的情形下支付（例如单位依第四十条、第四十一条解除合同）。"
        )
    return CompensationResult(
        monthly_base=money(base),
        capped=capped,
        service=service,
        months=months,
        economic_compensation=economic,
        unlawful_months=unlawful_months,
        unlawful_compensation=unlawful_amount,
        basis=dedupe(ids),
        notes=tuple(notes),
    )
