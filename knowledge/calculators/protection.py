"""The protected period against dismissal during pregnancy, maternity and nursing (三期).

《劳动合同法》第四十二条第四项: while a woman is pregnant, on maternity leave or nursing, the
employer may not dismiss her under 第四十条 (no-fault dismissal) or 第四十一条 (mass
layoffs). 第四十五条: a fixed-term contract that expires inside that period continues until
the period ends. The nursing period runs to the child's first birthday (特别规定第九条 speaks
of a baby "未满1周岁"). 特别规定第五条 adds that she may not be dismissed or have her pay
cut because of pregnancy, childbirth or nursing. 第四十二条 does not bar a dismissal for
serious misconduct under 第三十九条; the result says so, because workers are often told
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from knowledge.calculators import basis as B
from knowledge.calculators._common import dedupe
from knowledge.calculators.nursing import first_birthday
from knowledge.errors import InvalidFactsError

__all__ = ["ProtectionResult", "protected_period"]


@dataclass(frozen=True)
class ProtectionResult:
    """When the protection starts and ends, and what happens to a contract ending inside it."""

    start_date: date | None
    end_date: date
    end_is_estimate: bool
    contract_end: date | None
    contract_extended_to: date | None
    protected_on: bool | None
    basis: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat(),
            "end_is_estimate": self.end_is_estimate,
            "contract_end": self.contract_end.isoformat() if self.contract_end else None,
            "contract_extended_to": (
                self.contract_extended_to.isoformat() if self.contract_extended_to else None
            ),
            "protected_on": self.protected_on,
            "basis": list(self.basis),
            "notes": list(self.notes),
        }


def protected_period(
    *,
    birth_date: date | None = None,
    due_date: date | None = None,
    pregnancy_date: date | None = None,
    contract_end: date | None = None,
    on_date: date | None = None,
) -> ProtectionResult:
    """The 三期 protection for one pregnancy.

    ``pregnancy_date`` is the earliest date the pregnancy is known from (a hospital
    record); without it the start is "from the pregnancy" and stated so. The end is the
    child's first birthday, estimated from ``due_date`` when the child is not yet born.
    ``contract_end`` is the last day of a fixed-term contract; ``on_date`` asks whether a
    given day (such as the day she was dismissed) falls inside the period.
    """
    anchor = birth_date or due_date
    if anchor is None:
        raise InvalidFactsError("请提供宝宝的出生日期，或者尚未出生时的预产期。")
    if pregnancy_date is not None and pregnancy_date > anchor:
        raise InvalidFactsError("怀孕日期不能晚于出生日期（或预产期），请核对日期。")
    end = first_birthday(anchor)
    ids = [
        "labor_contract_law:42",
        "labor_contract_law:40",
        "labor_contract_law:41",
        B.NO_DISMISSAL_FOR_PREGNANCY,
        "labor_contract_law:39",
    ]
    notes = [
        f"从怀孕开始到宝宝满一周岁（{end.isoformat()}）为止，单位不得以“不能胜任工作”“客观情况发生重大变化”"
        "或经济性裁员为由与您解除劳动合同（劳动合同法第四十二条）。",
        "单位也不得因为怀孕、生育、哺乳降低您的工资、辞退您或解除合同（女职工劳动保护特别规定第五条）。",
        "这一保护针对的是劳动合同法第四十条、第四十一条的解除；第三十九条规定的情形"
        "（例如严重违反用人单位的规章制度、严重失职）不在此列。"
        "如果单位以这些理由辞退您，请尽快咨询 12333 或 12348。",
    ]
    if birth_date is None:
        notes.append("宝宝尚未出生，保护期的结束日期按预产期推算，实际以出生日期为准。")
    if pregnancy_date is None:
        notes.append("保护期从怀孕之日起算，建议保存好医院的怀孕诊断证明。")

    extended_to = None
    if contract_end is not None:
        starts_before = pregnancy_date is None or pregnancy_date <= contract_end
        if starts_before and contract_end < end:
            extended_to = end
            ids.append("labor_contract_law:45")
            notes.append(
                f"您的劳动合同在{contract_end.isoformat()}到期，正好在保护期内：合同应当续延到保护期结束"
                f"（{end.isoformat()}）时才终止（劳动合同法第四十五条）。"
            )
        elif contract_end >= end:
            notes.append("您的劳动合同在保护期结束之后才到期，不涉及续延。")
        else:
            notes.append("您的劳动合同在怀孕之前已经到期，不适用三期续延。")
    protected_on = None
    if on_date is not None:
        after_start = pregnancy_date is None or on_date >= pregnancy_date
        protected_on = after_start and on_date <= end
        if pregnancy_date is None and on_date <= end:
            notes.append("所查询的日期是否在怀孕之后，需要看怀孕的时间。")
    return ProtectionResult(
        start_date=pregnancy_date,
        end_date=end,
        end_is_estimate=birth_date is None,
        contract_end=contract_end,
        contract_extended_to=extended_to,
        protected_on=protected_on,
        basis=dedupe(ids),
        notes=tuple(notes),
    )
