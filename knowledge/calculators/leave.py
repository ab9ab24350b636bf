"""Maternity leave (产假) and miscarriage leave (流产假).

The national floor is 《女职工劳动保护特别规定》第七条: 98 days, of which up to 15 may be
taken before the birth; 15 more for a difficult birth (难产); 15 more for each extra baby;
after a miscarriage 15 days (under four months of pregnancy) or 42 days (four months or
more). Provinces add their own days (人口与计划生育条例) and decide how public holidays
inside those days are treated; those figures come from the province data files, and a
figure the data marks ``unconfirmed`` is always reported with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from knowledge.calculators import basis as B
from knowledge.calculators._common import Component, dedupe, own_provisions, unconfirmed_caveat
from knowledge.calculators._dates import (
    HolidayDataMissing,
    extend_for_holidays,
    working_days_end,
)
from knowledge.errors import InvalidFactsError
from knowledge.models import HolidayCounting, MaternityRule, ProvinceFile, Verification

__all__ = [
    "MAX_BABIES",
    "MAX_PRENATAL_DAYS",
    "NATIONAL_DAYS",
    "LeaveResult",
    "maternity_leave",
    "miscarriage_leave",
]

#: Shown when a provincial figure is used but no provincial provision could be cited for it.
UNCITED_PROVINCIAL_DAYS = "本省延长产假的条文出处未能核实，请以当地规定为准。"
UNCITED_PROVINCIAL_ADDON = "本省{what}的条文出处未能核实，请以当地规定为准。"

NATIONAL_DAYS = 98  # 特别规定第七条第一款
MAX_PRENATAL_DAYS = 15  # "其中产前可以休假15天"
NATIONAL_DYSTOCIA_DAYS = 15  # "难产的，增加产假15天"
NATIONAL_EXTRA_BABY_DAYS = 15  # "每多生育1个婴儿，增加产假15天"
MISCARRIAGE_EARLY_DAYS = 15  # 第七条第二款: 怀孕未满4个月
MISCARRIAGE_LATE_DAYS = 42  # 第七条第二款: 怀孕满4个月
MISCARRIAGE_MONTHS_THRESHOLD = 4
MAX_BABIES = 8  # only a guard against typing errors


@dataclass(frozen=True)
class LeaveResult:
    """A leave entitlement: its days by component, its dates, and what to be careful of."""

    kind: Literal["maternity", "miscarriage"]
    total_days: int
    start_date: date | None
    end_date: date | None
    components: tuple[Component, ...]
    notes: tuple[str, ...] = ()
    province: str | None = None
    verification: Verification | None = None
    holiday_days_added: int = 0
    provincial_days: int = 0

    @property
    def basis(self) -> tuple[str, ...]:
        """Every provision id the result rests on, components first."""
        return dedupe([pid for component in self.components for pid in component.basis])

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (dates as ISO strings), used by the CLI and the actions."""
        return {
            "kind": self.kind,
            "province": self.province,
            "total_days": self.total_days,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "holiday_days_added": self.holiday_days_added,
            "provincial_days": self.provincial_days,
            "components": [component.as_dict() for component in self.components],
            "basis": list(self.basis),
            "verification": self.verification.value if self.verification else None,
            "notes": list(self.notes),
        }


def _provincial_extra_days(rule: MaternityRule, birth_order: int | None) -> tuple[int | None, str]:
    """The province's extra days for this child and the wording of why."""
    by_order = rule.extra_days_by_birth_order
    if by_order and birth_order is not None:
        if birth_order in by_order:
            return by_order[birth_order], f"第{birth_order}个孩子"
        highest = max(by_order)
        if birth_order > highest:
            return by_order[highest], f"第{birth_order}个孩子"
    return rule.extra_days, ""


def _check_common(babies: int, birth_order: int | None) -> None:
    if not 1 <= babies <= MAX_BABIES:
        raise InvalidFactsError(f"婴儿数量应在1到{MAX_BABIES}之间，收到的是{babies}。")
    if birth_order is not None and birth_order < 1:
        raise InvalidFactsError("第几个孩子（孩次）应当是1或更大的数字。")


def _prenatal_days(anchor: date, leave_start: date | None, prenatal_days: int, born: bool) -> int:
    """How many of the 98 days lie before the birth (0..15)."""
    if leave_start is not None:
        used = (anchor - leave_start).days
        if used < 0:
            raise InvalidFactsError("开始休产假的日期不能晚于出生日期（或预产期）。请核对日期。")
        if used > MAX_PRENATAL_DAYS:
            what = "出生日期" if born else "预产期"
            raise InvalidFactsError(
                f"开始休假日距{what}有{used}天，超过了国家规定产前可休的15天。"
                "超出部分怎样处理，本计算器无法确定，请咨询当地人社部门（12333）。"
            )
        return used
    if not 0 <= prenatal_days <= MAX_PRENATAL_DAYS:
        raise InvalidFactsError("产前休假天数应在0到15天之间（国家规定产前可以休假15天）。")
    return prenatal_days


def maternity_leave(
    *,
    province: ProvinceFile | None,
    birth_date: date | None = None,
    due_date: date | None = None,
    babies: int = 1,
    dystocia: bool = False,
    caesarean: bool = False,
    birth_order: int | None = None,
    prenatal_days: int = MAX_PRENATAL_DAYS,
    leave_start: date | None = None,
) -> LeaveResult:
    """Maternity leave for a birth: the national 98 days plus every add-on that applies.

    Why each piece: 98 days, 难产 +15 and +15 per extra baby are 特别规定第七条第一款;
    the province's extra days, its 难产 figure (广东 gives 30), whether 剖宫产 counts as
    难产 and how holidays are treated come from the province file. Dates run from the
    start of leave (birth − prenatal days) through ``start + total − 1``, each part counted
    as the province says: the national days and add-ons by ``base_counting`` (calendar
    days, or extended by statutory holidays inside them in 安徽), then the province's own
    extra days by ``extra_counting`` (extended by holidays in 上海 and 江苏, or counted in
    working days).

    ``birth_date`` wins over ``due_date``; with neither, only the number of days is given.
    ``leave_start`` (the day she actually began leave before the birth) overrides
    ``prenatal_days``, which covers births earlier than the due date.
    """
    _check_common(babies, birth_order)
    components: list[Component] = []
    notes: list[str] = []

    components.append(
        Component(
            NATIONAL_DAYS,
            "国家规定的产假（其中产前可以休假15天）",
            (B.MATERNITY_LEAVE,),
        )
    )
    rule = province.maternity if province else None
    # Provincial parts cite the province's own provisions only: the national article is
    # cited by the national components, never as the basis of a provincial figure.
    province_basis = own_provisions(province, rule.basis) if province and rule else ()

    dystocia_days = rule.dystocia_days if rule else NATIONAL_DYSTOCIA_DAYS
    dystocia_basis = (B.MATERNITY_LEAVE,) + (
        province_basis if dystocia_days != NATIONAL_DYSTOCIA_DAYS else ()
    )
    counts_caesarean = rule.caesarean_counts_as_dystocia if rule else None
    if dystocia:
        if dystocia_days > 0:
            components.append(Component(dystocia_days, "难产增加的产假", dystocia_basis))
            if dystocia_days != NATIONAL_DYSTOCIA_DAYS and not province_basis:
                notes.append(UNCITED_PROVINCIAL_ADDON.format(what="难产增加产假天数"))
        else:
            notes.append("本省数据没有单列难产增加的产假天数，请向当地人社部门确认。")
    elif caesarean:
        if counts_caesarean and dystocia_days > 0:
            components.append(
                Component(
                    dystocia_days,
                    "剖宫产（本省按难产计算）增加的产假",
                    dedupe(dystocia_basis + province_basis),
                )
            )
            if not province_basis:
                notes.append(UNCITED_PROVINCIAL_ADDON.format(what="剖宫产按难产计算的做法"))
        elif counts_caesarean is False:
            notes.append(
                "按本省规定，剖宫产本身不按难产增加产假；如果医疗机构证明属于难产，"
                f"可以增加{dystocia_days}天。"
            )
        else:
            notes.append(
                "剖宫产是否按难产增加产假，国家规定没有写明，本省的做法也尚未核实；"
                f"如果医疗机构证明属于难产，可以增加{dystocia_days}天。请向当地人社部门确认。"
            )

    per_baby = rule.multiple_birth_days_per_extra_baby if rule else NATIONAL_EXTRA_BABY_DAYS
    if babies > 1:
        multiple_basis = (B.MATERNITY_LEAVE,) + (
            province_basis if per_baby != NATIONAL_EXTRA_BABY_DAYS else ()
        )
        if per_baby != NATIONAL_EXTRA_BABY_DAYS and not province_basis:
            notes.append(UNCITED_PROVINCIAL_ADDON.format(what="多胞胎增加产假天数"))
        components.append(
            Component(
                per_baby * (babies - 1),
                f"多胞胎：多生育{babies - 1}个婴儿，每个增加{per_baby}天",
                multiple_basis,
            )
        )
    national_part = sum(component.days for component in components)

    extra_days: int | None = None
    verification: Verification | None = None
    if rule is None:
        notes.append(
            "没有提供省份，只按国家规定计算。各省可能另有增加的产假，请告诉我们您所在的省份。"
        )
    else:
        verification = rule.verification
        extra_days, order_label = _provincial_extra_days(rule, birth_order)
        if extra_days is None:
            notes.append(
                f"{province.province if province else ''}在国家规定之外增加的产假天数尚未核实，"
                "这里没有计入。请向当地人社部门（12333）确认。"
            )
        elif extra_days > 0:
            label = f"（{order_label}）" if order_label else ""
            components.append(
                Component(
                    extra_days,
                    f"{province.province if province else ''}增加的产假{label}",
                    province_basis,
                )
            )
            if not province_basis:
                notes.append(UNCITED_PROVINCIAL_DAYS)
        if rule.extra_days_by_birth_order and birth_order is None:
            options = "，".join(
                f"第{order}个孩子{days}天"
                for order, days in sorted(rule.extra_days_by_birth_order.items())
            )
            notes.append(
                f"本省增加的产假按孩次不同：{options}。这里按{extra_days}天计算，请告诉我们这是第几个孩子。"
            )
        if (
            rule.extra_days_max is not None
            and extra_days is not None
            and rule.extra_days_max > extra_days
        ):
            notes.append(
                f"本省增加的产假为{extra_days}至{rule.extra_days_max}天，这里按最少的{extra_days}天计算；"
                "具体天数请向单位或当地人社部门确认。"
            )
        if rule.optional_extension:
            notes.append(rule.optional_extension)
        notes.extend(rule.other_addons)
        caveat = unconfirmed_caveat("本省产假天数", rule.verification, rule.note)
        if caveat:
            notes.append(caveat)

    total = sum(component.days for component in components)
    start, end, added = None, None, 0
    anchor = birth_date or due_date
    if anchor is None and leave_start is not None:
        raise InvalidFactsError("请同时提供宝宝的出生日期或预产期，才能按开始休假日期计算。")
    if anchor is not None:
        used = _prenatal_days(anchor, leave_start, prenatal_days, birth_date is not None)
        if birth_date is None:
            notes.append("日期按预产期推算，实际日期以宝宝出生日期为准。")
        elif due_date is not None and birth_date < due_date and leave_start is None:
            notes.append(
                "宝宝早于预产期出生。如果您在出生前已经开始休产假，请告诉我们开始休假的日期，以便准确计算。"
            )
        if used < MAX_PRENATAL_DAYS:
            notes.append(
                f"这里按出生前休假{used}天计算，产假从开始休假之日起连续计算；"
                "产前未休满15天的天数如何处理，请向当地人社部门确认。"
            )
        start = anchor - timedelta(days=used)
        end, added, date_notes = _leave_end(rule, start, national_part, total - national_part)
        notes.extend(date_notes)
    return LeaveResult(
        kind="maternity",
        total_days=total,
        start_date=start,
        end_date=end,
        components=tuple(components),
        notes=tuple(notes),
        province=province.province if province else None,
        verification=verification,
        holiday_days_added=added,
        provincial_days=total - national_part,
    )


def _leave_end(
    rule: MaternityRule | None, start: date, national_days: int, extra_days: int
) -> tuple[date, int, list[str]]:
    """Last day of leave, holiday days added, and notes on how the days were counted.

    The national part (98 days and the 难产 / multiple-birth add-ons) comes first and is
    counted by ``rule.base_counting``; the province's own days follow and are counted by
    ``rule.extra_counting``. Where both are counted alike, the leave is one stretch.
    """
    base = rule.base_counting if rule else HolidayCounting.calendar_days
    if rule is None or extra_days <= 0:
        if base == HolidayCounting.calendar_days:
            return start + timedelta(days=national_days - 1), 0, []
        return _stretch_end(base, start, national_days, "产假")
    if base == rule.extra_counting:
        calendar = base == HolidayCounting.calendar_days
        whole = "本省产假" if calendar else "整个产假（含国家规定的天数）"
        return _stretch_end(base, start, national_days + extra_days, whole)
    if base == HolidayCounting.calendar_days:
        # the usual case (上海, 江苏): only the province's own days are treated specially,
        # which the note on them already says
        base_end, base_added = start + timedelta(days=national_days - 1), 0
        notes: list[str] = []
    else:
        base_end, base_added, notes = _stretch_end(base, start, national_days, "国家规定的产假部分")
    end, extra_added, extra_notes = _stretch_end(
        rule.extra_counting, base_end + timedelta(days=1), extra_days, "本省增加的产假"
    )
    return end, base_added + extra_added, notes + [n for n in extra_notes if n not in notes]


def _stretch_end(
    counting: HolidayCounting, first: date, days: int, part: str
) -> tuple[date, int, list[str]]:
    """Last day of a ``days``-long ``part`` of the leave from ``first``, counted as ``counting``."""
    calendar_end = first + timedelta(days=days - 1)
    if counting == HolidayCounting.calendar_days:
        return calendar_end, 0, [f"{part}按自然日连续计算，休息日和法定节假日都计算在内。"]
    if counting == HolidayCounting.unknown:
        return (
            calendar_end,
            0,
            [f"{part}遇法定节假日是否顺延尚未核实，结束日期按自然日连续计算，实际可能更晚。"],
        )
    try:
        if counting == HolidayCounting.holidays_extend:
            end, added = extend_for_holidays(first, days)
            note = (
                f"{part}遇法定节假日顺延：期间有{added}天法定节假日，结束日期相应顺延。"
                if added
                else f"{part}遇法定节假日顺延；这段时间内没有法定节假日。"
            )
            return end, added, [note]
        end = working_days_end(first, days)
        return (
            end,
            (end - calendar_end).days,
            [f"{part}按工作日计算，休息日和法定节假日不计入。"],
        )
    except HolidayDataMissing as missing:
        return (
            calendar_end,
            0,
            [
                f"{missing.year}年的法定节假日安排还没有公布（或不在本系统的数据中），无法计算节假日顺延；"
                "这里先按自然日给出结束日期，实际结束日期可能更晚。"
            ],
        )


def miscarriage_leave(
    *,
    completed_months: int,
    event_date: date | None = None,
    province: ProvinceFile | None = None,
) -> LeaveResult:
    """Leave after a miscarriage by completed months of pregnancy (特别规定第七条第二款).

    Under four completed months: 15 days; four months or more: 42 days. The province
    files hold no provincial miscarriage rules yet, so only the national rule is applied
    and the worker is told that her province may differ.
    """
    if not 0 <= completed_months <= 10:
        raise InvalidFactsError("怀孕月数应在0到10个月之间，请核对。")
    if completed_months < MISCARRIAGE_MONTHS_THRESHOLD:
        component = Component(MISCARRIAGE_EARLY_DAYS, "怀孕未满4个月流产", (B.MISCARRIAGE_LEAVE,))
    else:
        component = Component(MISCARRIAGE_LATE_DAYS, "怀孕满4个月流产", (B.MISCARRIAGE_LEAVE,))
    notes = [
        "这里只按国家规定计算；本系统暂未收录各省关于流产假的规定，当地是否另有规定，请向当地人社部门确认。"
    ]
    start = end = None
    if event_date is not None:
        start = event_date
        end = event_date + timedelta(days=component.days - 1)
        notes.append("这里从流产当日起按自然日连续计算，具体起算日以医疗机构证明和单位安排为准。")
    return LeaveResult(
        kind="miscarriage",
        total_days=component.days,
        start_date=start,
        end_date=end,
        components=(component,),
        notes=tuple(notes),
        province=province.province if province else None,
    )
