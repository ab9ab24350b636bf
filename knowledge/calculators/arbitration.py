"""The one-year time limit for labour arbitration (仲裁时效).

《劳动争议调解仲裁法》第二十七条: one year from the day she knew or should have known her
rights were infringed (第一款); claiming her rights from the employer, asking an authority
for help, or the employer agreeing to perform interrupts it and the year starts again
(第二款); force majeure or another proper reason suspends it and the count resumes when the
obstacle ends (第三款); unpaid wages during an ongoing employment are not limited by the
year, but once the employment ends she must apply within a year of its end (第四款).

Counting follows 《民法典》第二百零一条至第二百零三条: the first day is not counted, the year
ends on the corresponding date (28 February for 29 February), and a last day that is a
statutory holiday moves to the day after the holiday. The calculator gives the earliest
safe date first, because applying a day late loses the claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.calculators import basis as B
from knowledge.calculators._common import dedupe
from knowledge.calculators._dates import (
    HolidayDataMissing,
    add_years,
    is_rest_day,
    next_working_day,
)
from knowledge.errors import InvalidFactsError

__all__ = ["ArbitrationResult", "arbitration_deadline"]

LIMIT_YEARS = 1  # 第二十七条第一款: "时效期间为一年"


@dataclass(frozen=True)
class ArbitrationResult:
    """The last day to apply for arbitration, how it was reached, and warnings."""

    deadline: date | None
    counted_from: date | None
    holiday_extended_deadline: date | None
    expired: bool | None
    days_left: int | None
    steps: tuple[str, ...]
    basis: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "counted_from": self.counted_from.isoformat() if self.counted_from else None,
            "holiday_extended_deadline": (
                self.holiday_extended_deadline.isoformat()
                if self.holiday_extended_deadline
                else None
            ),
            "expired": self.expired,
            "days_left": self.days_left,
            "steps": list(self.steps),
            "basis": list(self.basis),
            "notes": list(self.notes),
        }


def arbitration_deadline(
    *,
    knew_date: date | None = None,
    interruptions: Sequence[date] = (),
    suspensions: Sequence[tuple[date, date]] = (),
    wage_arrears: bool = False,
    employment_ended: date | None = None,
    today: date | None = None,
) -> ArbitrationResult:
    """The last day she can apply for labour arbitration.

    ``knew_date``: the day she knew or should have known of the infringement.
    ``interruptions``: days she claimed her rights, asked an authority, or the employer
    agreed to perform; each restarts the year if it falls inside the running period.
    ``suspensions``: (start, end) spans during which force majeure or another proper reason
    kept her from applying; the period pauses for them.
    ``wage_arrears`` with no ``employment_ended``: wage claims during an ongoing employment
    have no one-year limit; once it ends the year runs from ``employment_ended``.
    """
    ids = ["labor_dispute_law:27"]
    notes: list[str] = []
    steps: list[str] = []
    for start, end in suspensions:
        if end < start:
            raise InvalidFactsError("时效中止的结束日期不能早于开始日期，请核对。")
    if wage_arrears and employment_ended is None:
        notes.append(
            "劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年时效的限制；"
            "但劳动关系终止后，应当自终止之日起一年内提出。"
        )
        return ArbitrationResult(
            deadline=None,
            counted_from=None,
            holiday_extended_deadline=None,
            expired=None if today is None else False,
            days_left=None,
            steps=(),
            basis=tuple(ids),
            notes=tuple(notes),
        )
    if employment_ended is not None and wage_arrears:
        start = employment_ended
        steps.append(f"劳动关系于{start.isoformat()}终止，拖欠工资的仲裁时效从这一天起算一年。")
    else:
        if knew_date is None:
            raise InvalidFactsError(
                "请提供您知道或者应当知道自己权利被侵害的日期（例如被辞退的日期）。"
            )
        start = knew_date
        steps.append(f"从{start.isoformat()}（知道或者应当知道权利被侵害之日）起算一年。")
    deadline = add_years(start, LIMIT_YEARS)
    ids.extend([B.CIVIL_CODE_PERIOD_START, B.CIVIL_CODE_YEAR_END])

    events: list[tuple[date, date | None]] = [(d, None) for d in interruptions]
    events += [(s, e) for s, e in suspensions]
    for when, until in sorted(events, key=lambda event: event[0]):
        if when < start:
            steps.append(f"{when.isoformat()}早于时效起算日，不影响计算。")
            continue
        if when > deadline:
            steps.append(
                f"{when.isoformat()}已经在时效届满（{deadline.isoformat()}）之后，本计算不再按中断或中止处理。"
            )
            continue
        if until is None:
            deadline = add_years(when, LIMIT_YEARS)
            steps.append(
                f"{when.isoformat()}时效中断（主张权利、请求有关部门处理或单位同意履行），从这一天起重新计算一年，至{deadline.isoformat()}。"
            )
        else:
            remaining = (deadline - when).days
            deadline = until + timedelta(days=remaining)
            steps.append(
                f"{when.isoformat()}至{until.isoformat()}时效中止（不可抗力或其他正当理由），"
                f"障碍消除后继续计算剩余的{remaining}天，至{deadline.isoformat()}。"
            )

    extended = None
    try:
        if is_rest_day(deadline):
            extended = next_working_day(deadline)
            ids.append(B.CIVIL_CODE_HOLIDAY)
            notes.append(
                f"{deadline.isoformat()}是休息日或法定节假日。按民法典第二百零三条，期间最后一日是法定休假日的，"
                f"以休假日结束的次日（{extended.isoformat()}）为最后一日；为稳妥起见，请不晚于{deadline.isoformat()}申请。"
            )
    except HolidayDataMissing:
        notes.append(
            "该年份的节假日安排尚未公布，如最后一日遇节假日是否顺延无法判断，请在最后一日之前申请。"
        )

    expired = days_left = None
    if today is not None:
        last = extended or deadline
        expired = today > last
        days_left = max((deadline - today).days, 0) if not expired else 0
        if expired:
            notes.append(
                "按您提供的日期，仲裁时效可能已经届满。是否存在中断、中止等情形，对结果影响很大，"
                "请尽快咨询 12333、当地劳动人事争议仲裁委员会或法律援助机构（12348）。"
            )
    notes.append("仲裁时效的计算与具体事实有关，以上结果仅供参考；请尽早申请，不要等到最后几天。")
    return ArbitrationResult(
        deadline=deadline,
        counted_from=start,
        holiday_extended_deadline=extended,
        expired=expired,
        days_left=days_left,
        steps=tuple(steps),
        basis=dedupe(ids),
        notes=tuple(notes),
    )
