"""Nursing time (哺乳时间) and the nursing period (哺乳期).

《女职工劳动保护特别规定》第九条: while her baby is under one year old the employer may not
extend her working hours or put her on night shifts (第一款), and must give her one hour of
nursing time in each working day, one more hour for each extra baby of a multiple birth
(第二款). The period ends on the child's first birthday, counted under 《民法典》第二百零一条、
第二百零二条 (a child born on 29 February reaches one year on 28 February). Provincial
nursing leave (哺乳假) exists only in some provinces and comes from the province file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from knowledge.calculators import basis as B
from knowledge.calculators._common import dedupe, own_provisions, unconfirmed_caveat
from knowledge.calculators._dates import add_years
from knowledge.errors import InvalidFactsError
from knowledge.models import ProvinceFile

__all__ = ["NursingResult", "nursing_entitlement"]

MAX_BABIES = 8


@dataclass(frozen=True)
class NursingResult:
    """Daily nursing time, when the nursing period ends, and any provincial nursing leave."""

    daily_hours: int
    nursing_end_date: date
    no_overtime_or_night_until: date
    in_nursing_period: bool | None
    provincial_leave: str | None
    basis: tuple[str, ...]
    notes: tuple[str, ...]
    province: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "province": self.province,
            "daily_hours": self.daily_hours,
            "nursing_end_date": self.nursing_end_date.isoformat(),
            "no_overtime_or_night_until": self.no_overtime_or_night_until.isoformat(),
            "in_nursing_period": self.in_nursing_period,
            "provincial_leave": self.provincial_leave,
            "basis": list(self.basis),
            "notes": list(self.notes),
        }


def first_birthday(birth_date: date) -> date:
    """The day the child turns one: the same date next year, 28 February for 29 February."""
    return add_years(birth_date, 1)


def nursing_entitlement(
    *,
    birth_date: date,
    babies: int = 1,
    province: ProvinceFile | None = None,
    on_date: date | None = None,
) -> NursingResult:
    """Her nursing rights for a child born on ``birth_date``.

    ``on_date`` (for instance today) answers "am I still in the nursing period?".
    """
    if not 1 <= babies <= MAX_BABIES:
        raise InvalidFactsError(f"婴儿数量应在1到{MAX_BABIES}之间，收到的是{babies}。")
    if on_date is not None and on_date < birth_date:
        raise InvalidFactsError("查询日期早于宝宝出生日期，请核对日期。")
    end = first_birthday(birth_date)
    ids = [B.NURSING_TIME, B.NURSING_NO_OVERTIME]
    notes = [
        f"单位应当在每天的劳动时间内为您安排{babies}小时哺乳时间，到宝宝满一周岁（{end.isoformat()}）为止。",
        "宝宝满一周岁前，单位不得安排您延长劳动时间（加班）或上夜班。",
    ]
    if birth_date.month == 2 and birth_date.day == 29:
        notes.append(
            "宝宝是2月29日出生的：没有对应日的年份，按2月28日计算满一周岁（民法典第二百零二条）。"
        )
        ids.append(B.CIVIL_CODE_YEAR_END)
    provincial_leave = None
    if province is not None and province.nursing is not None and province.nursing.leave_description:
        rule = province.nursing
        provincial_leave = rule.leave_description
        own = own_provisions(province, rule.basis)
        ids.extend(own)
        notes.append(f"{province.province}另有哺乳假规定：{rule.leave_description}")
        if not own:
            notes.append("本省哺乳假规定的条文出处未能核实，请以当地规定为准。")
        caveat = unconfirmed_caveat("本省哺乳假规定", rule.verification, rule.note)
        if caveat:
            notes.append(caveat)
    elif province is not None:
        notes.append(
            f"本系统没有收录{province.province}另行规定的哺乳假；如有疑问，请向当地人社部门确认。"
        )
    in_period = None if on_date is None else birth_date <= on_date <= end
    return NursingResult(
        daily_hours=babies,
        nursing_end_date=end,
        no_overtime_or_night_until=end,
        in_nursing_period=in_period,
        provincial_leave=provincial_leave,
        basis=dedupe(ids),
        notes=tuple(notes),
        province=province.province if province else None,
    )
