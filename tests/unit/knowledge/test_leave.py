"""Maternity and miscarriage leave: national figures, provincial rules, dates.

National figures come from 《女职工劳动保护特别规定》第七条 (98 days, up to 15 before the
birth, 难产 +15, +15 per extra baby; miscarriage 15 days under four months, 42 days from
four months). Provincial figures are checked against /work/shared/reference/legal_facts.md
§8.3, not against the province files they are computed from. Holiday dates come from the
State Council's yearly holiday notices (as carried by the chinese-calendar package).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from knowledge.calculators import cited_provision_ids
from knowledge.calculators.leave import maternity_leave, miscarriage_leave
from knowledge.errors import InvalidFactsError
from knowledge.loader import load_knowledge
from knowledge.models import (
    Law,
    LawFile,
    MaternityRule,
    ParentalLeaveRule,
    PaternityLeaveRule,
    ProvinceFile,
    Provision,
)
from knowledge.regions import resolve_province

NATIONAL = "women_protection_rules:7.1"


def _test_law(name: str) -> LawFile:
    """The fixture province's own regulation, which stores ``test_rules:1``."""
    return LawFile(
        law=Law(
            id="test_rules",
            name=f"{name}人口与计划生育条例",
            short_name="测试条例",
            kind="local_regulation",
            issuer=f"{name}人民代表大会常务委员会",
            version="测试版本",
            effective_date=None,
            revision_year=None,
            province=name,
            sources=[{"title": "fixture", "url": "https://example.invalid/"}],
            verification="secondary",
        ),
        provisions=[Provision(id="test_rules:1", article=1, text="测试条文", summary="测试")],
    )


def province(name: str = "测试省", **maternity: Any) -> ProvinceFile:
    """A fixture province: +60 days counted in calendar days unless overridden."""
    rule: dict[str, Any] = {
        "extra_days": 60,
        "basis": ["test_rules:1"],
        "verification": "secondary",
        "extra_counting": "calendar_days",
    }
    rule.update(maternity)
    return ProvinceFile(
        province=name,
        short_name=name[:2],
        laws=[_test_law(name)],
        maternity=MaternityRule(**rule),
        paternity_leave=PaternityLeaveRule(days=15, verification="secondary"),
        parental_leave=ParentalLeaveRule(days_per_year=10, verification="secondary"),
        checked_on=date(2025, 1, 1),
    )


# --- national totals (特别规定第七条第一款) -------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "total"),
    [
        pytest.param({}, 98, id="normal-birth-98"),  # 第七条: 98天
        pytest.param({"dystocia": True}, 113, id="dystocia-98+15"),  # 难产增加15天
        pytest.param({"babies": 2}, 113, id="twins-98+15"),  # 每多1个婴儿增加15天
        pytest.param({"babies": 3}, 128, id="triplets-98+30"),  # 多2个婴儿: +30
        pytest.param({"babies": 2, "dystocia": True}, 128, id="twins-dystocia-98+15+15"),
        pytest.param({"caesarean": True}, 98, id="caesarean-alone-not-added-nationally"),
    ],
)
def test_national_totals(facts: dict[str, Any], total: int) -> None:
    result = maternity_leave(province=None, **facts)
    assert result.total_days == total
    assert sum(component.days for component in result.components) == total
    assert all(NATIONAL in component.basis for component in result.components)
    assert result.start_date is None and result.end_date is None


def test_national_components_explain_themselves() -> None:
    result = maternity_leave(province=None, babies=2, dystocia=True)
    assert [c.days for c in result.components] == [98, 15, 15]
    assert "难产" in result.components[1].reason
    assert "多胞胎" in result.components[2].reason
    assert any("没有提供省份" in note for note in result.notes)


def test_caesarean_without_province_data_says_it_is_not_settled() -> None:
    result = maternity_leave(province=None, caesarean=True)
    assert any("剖宫产" in note and "难产" in note for note in result.notes)


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "start", "end"),
    [
        # start = birth − 15 days; end = start + 98 − 1 (count by hand: 7+31+30+29)
        pytest.param(
            {"birth_date": date(2025, 3, 8)}, date(2025, 2, 21), date(2025, 5, 29), id="plain-2025"
        ),
        # leap year: 2024-02-14 + 97 days passes 29 February (15+31+30+21)
        pytest.param(
            {"birth_date": date(2024, 2, 29)},
            date(2024, 2, 14),
            date(2024, 5, 21),
            id="born-29-feb",
        ),
        # month and year end, leave runs through February 2024 (29 days)
        pytest.param(
            {"birth_date": date(2023, 12, 31)},
            date(2023, 12, 16),
            date(2024, 3, 22),
            id="born-31-dec-into-leap-feb",
        ),
        # a common-year February: 2023-01-31 − 15 = 01-16; +97 → 2023-04-23 (15+28+31+23)
        pytest.param(
            {"birth_date": date(2023, 1, 31)},
            date(2023, 1, 16),
            date(2023, 4, 23),
            id="born-31-jan-common-feb",
        ),
        # no prenatal leave taken: starts on the birth date
        pytest.param(
            {"birth_date": date(2025, 3, 8), "prenatal_days": 0},
            date(2025, 3, 8),
            date(2025, 6, 13),
            id="no-prenatal-days",
        ),
        # born 10 days before the due date, leave begun 15 days before the due date:
        # 5 prenatal days used; 2025-03-05 + 97 → 2025-06-10 (26+30+31+10)
        pytest.param(
            {
                "birth_date": date(2025, 3, 10),
                "due_date": date(2025, 3, 20),
                "leave_start": date(2025, 3, 5),
            },
            date(2025, 3, 5),
            date(2025, 6, 10),
            id="born-before-due-date",
        ),
        # not yet born: dates estimated from the due date
        pytest.param(
            {"due_date": date(2025, 3, 20)}, date(2025, 3, 5), date(2025, 6, 10), id="due-date-only"
        ),
    ],
)
def test_national_dates(facts: dict[str, Any], start: date, end: date) -> None:
    result = maternity_leave(province=None, **facts)
    assert (result.start_date, result.end_date) == (start, end)


def test_due_date_only_says_it_is_an_estimate() -> None:
    result = maternity_leave(province=None, due_date=date(2025, 3, 20))
    assert any("预产期" in note for note in result.notes)


def test_early_birth_without_leave_start_asks_for_it() -> None:
    result = maternity_leave(
        province=None, birth_date=date(2025, 3, 10), due_date=date(2025, 3, 20)
    )
    assert any("早于预产期" in note for note in result.notes)


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({"babies": 0}, id="zero-babies"),
        pytest.param({"babies": 12}, id="implausible-babies"),
        pytest.param({"birth_date": date(2025, 3, 8), "prenatal_days": 16}, id="prenatal-over-15"),
        pytest.param({"birth_date": date(2025, 3, 8), "prenatal_days": -1}, id="prenatal-negative"),
        pytest.param(
            {"birth_date": date(2025, 3, 8), "leave_start": date(2025, 3, 9)},
            id="leave-after-birth",
        ),
        pytest.param(
            {"birth_date": date(2025, 3, 8), "leave_start": date(2025, 2, 1)},
            id="leave-started-35-days-before",
        ),
        pytest.param({"birth_order": 0}, id="birth-order-zero"),
        pytest.param({"leave_start": date(2025, 3, 1)}, id="leave-start-without-birth-or-due-date"),
    ],
)
def test_impossible_facts_raise_in_chinese(facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidFactsError) as raised:
        maternity_leave(province=None, **facts)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(raised.value))


# --- provincial rules (fixture provinces) ------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "facts", "total"),
    [
        pytest.param({}, {}, 158, id="plus-60"),  # 98 + 60 (fixture)
        pytest.param(
            {"extra_days": 80, "dystocia_days": 30}, {"dystocia": True}, 208, id="dystocia-30"
        ),
        pytest.param(
            {"caesarean_counts_as_dystocia": True}, {"caesarean": True}, 173, id="caesarean-counts"
        ),
        pytest.param(
            {"caesarean_counts_as_dystocia": False}, {"caesarean": True}, 158, id="caesarean-not"
        ),
        pytest.param({}, {"caesarean": True}, 158, id="caesarean-unknown"),
        pytest.param({"extra_days": None}, {}, 98, id="extra-unknown-not-added"),
        pytest.param(
            {"extra_days_by_birth_order": {1: 60, 2: 90, 3: 90}},
            {"birth_order": 2},
            188,
            id="second-child",
        ),
        pytest.param(
            {"extra_days_by_birth_order": {1: 60, 2: 90, 3: 90}},
            {"birth_order": 4},
            188,
            id="fourth-child",
        ),
        pytest.param(
            {"extra_days_by_birth_order": {1: 60, 2: 90, 3: 90}}, {}, 158, id="birth-order-missing"
        ),
        pytest.param({}, {"babies": 2, "dystocia": True}, 188, id="twins-dystocia-plus-60"),
    ],
)
def test_provincial_totals(rule: dict[str, Any], facts: dict[str, Any], total: int) -> None:
    result = maternity_leave(province=province(**rule), **facts)
    assert result.total_days == total
    assert "test_rules:1" in result.basis or rule.get("extra_days", 60) is None


def test_provincial_component_carries_provincial_basis() -> None:
    result = maternity_leave(province=province())
    assert result.components[-1].days == 60
    assert result.components[-1].basis == ("test_rules:1",)
    assert result.provincial_days == 60


@pytest.mark.parametrize(
    ("rule", "facts", "needle"),
    [
        pytest.param(
            {"caesarean_counts_as_dystocia": False},
            {"caesarean": True},
            "不按难产",
            id="caesarean-no",
        ),
        pytest.param({}, {"caesarean": True}, "尚未核实", id="caesarean-unknown"),
        pytest.param({"extra_days": None}, {}, "尚未核实", id="extra-unknown"),
        pytest.param(
            {"extra_days_by_birth_order": {1: 60, 2: 90}}, {}, "第几个孩子", id="ask-birth-order"
        ),
        pytest.param({"extra_days_max": 82}, {}, "60至82天", id="range"),
        pytest.param(
            {"verification": "unconfirmed", "note": "只有一个来源"},
            {},
            "只有一个来源",
            id="unconfirmed",
        ),
        pytest.param(
            {"optional_extension": "经单位同意可以再休一至三个月"}, {}, "一至三个月", id="optional"
        ),
        pytest.param({"other_addons": ["纯母乳喂养可再休一个月"]}, {}, "母乳", id="addon"),
    ],
)
def test_provincial_caveats(rule: dict[str, Any], facts: dict[str, Any], needle: str) -> None:
    result = maternity_leave(province=province(**rule), **facts)
    assert any(needle in note for note in result.notes), result.notes


@pytest.mark.parametrize(
    ("counting", "extra", "birth", "end", "added"),
    [
        # calendar days: 2025-03-08 birth, national part ends 2025-05-29, +60 → 2025-07-28
        pytest.param("calendar_days", 60, date(2025, 3, 8), date(2025, 7, 28), 0, id="calendar"),
        # holidays extend: national part 2024-05-31..2024-09-05; the 60 days from 09-06 reach
        # 11-04 and contain 中秋 2024-09-17 and 国庆 10-01..10-03 (State Council 2024 notice) → +4
        pytest.param(
            "holidays_extend",
            60,
            date(2024, 6, 15),
            date(2024, 11, 8),
            4,
            id="mid-autumn-national-day",
        ),
        # holidays extend: national part 2024-09-05..12-11; the 60 days from 12-12 reach
        # 2025-02-09 and contain 元旦 01-01 and 春节 01-28..01-31 (除夕 to 初三, 4 days under the
        # 2025 rules; 02-03/02-04 are swapped days) → +5, reaching 2025-02-14
        pytest.param(
            "holidays_extend",
            60,
            date(2024, 9, 20),
            date(2025, 2, 14),
            5,
            id="new-year-spring-festival",
        ),
        # working days: 5 working days after 2025-05-29: 05-30, 端午 05-31..06-02 off, 06-03..06-06
        pytest.param(
            "working_days", 5, date(2025, 3, 8), date(2025, 6, 6), 3, id="working-days-dragon-boat"
        ),
        # unknown counting: calendar days, with a warning
        pytest.param("unknown", 60, date(2025, 3, 8), date(2025, 7, 28), 0, id="unknown-counting"),
    ],
)
def test_provincial_end_dates(
    counting: str, extra: int, birth: date, end: date, added: int
) -> None:
    result = maternity_leave(
        province=province(extra_days=extra, extra_counting=counting), birth_date=birth
    )
    assert result.end_date == end
    assert result.holiday_days_added == added
    assert result.total_days == 98 + extra


def test_holiday_calendar_missing_is_said_not_guessed() -> None:
    # chinese-calendar knows 2004–2026; a leave reaching into 2027 cannot be extended
    result = maternity_leave(
        province=province(extra_counting="holidays_extend"), birth_date=date(2026, 12, 1)
    )
    assert result.end_date == date(2027, 4, 22)  # 2026-11-16 + 158 − 1, calendar days
    assert any("2027年" in note and "可能更晚" in note for note in result.notes)


@pytest.mark.parametrize(
    ("base", "extra", "end", "added"),
    [
        # birth 2024-06-15, start 05-31; the national part 05-31..09-05 holds 端午 06-10,
        # so it ends one day later, 09-06. Extra 60 days from 09-07 reach 11-05 and hold 中秋
        # 09-17 and 国庆 10-01..10-03 (09-16 is a swapped day) → +4 → 11-09; 5 added in all
        # (the extra-only case above gives 11-08, 4 added)
        pytest.param("holidays_extend", "holidays_extend", date(2024, 11, 9), 5, id="both-extend"),
        # base extended (+1, ends 09-06), extra in calendar days: 09-07 + 59 → 11-05
        pytest.param("holidays_extend", "calendar_days", date(2024, 11, 5), 1, id="base-only"),
    ],
)
def test_base_counting_is_separate_from_extra_counting(
    base: str, extra: str, end: date, added: int
) -> None:
    result = maternity_leave(
        province=province(base_counting=base, extra_counting=extra), birth_date=date(2024, 6, 15)
    )
    assert (result.end_date, result.holiday_days_added) == (end, added)


def test_base_counting_extends_dystocia_days_too() -> None:
    # national part 98 + 15 = 113 days from 2025-09-05 (birth 09-20 − 15): calendar end
    # 2025-12-26 (26 in Sep + 31 + 30 + 26); 国庆/中秋 10-01..03 and 10-06 → +4 → 12-30,
    # no extra days (extra_days 0)
    result = maternity_leave(
        province=province(extra_days=0, base_counting="holidays_extend"),
        birth_date=date(2025, 9, 20),
        dystocia=True,
    )
    assert (result.total_days, result.end_date, result.holiday_days_added) == (
        113,
        date(2025, 12, 30),
        4,
    )


# --- miscarriage (特别规定第七条第二款) -----------------------------------------------------


@pytest.mark.parametrize(
    ("months", "days"),
    [
        pytest.param(0, 15, id="under-one-month-15"),
        pytest.param(3, 15, id="three-months-15"),  # 未满4个月: 15天
        pytest.param(4, 42, id="four-months-42"),  # 满4个月: 42天
        pytest.param(7, 42, id="seven-months-42"),
    ],
)
def test_miscarriage_days(months: int, days: int) -> None:
    result = miscarriage_leave(completed_months=months)
    assert result.total_days == days
    assert result.basis == ("women_protection_rules:7.2",)


def test_miscarriage_dates_cross_leap_february() -> None:
    result = miscarriage_leave(completed_months=2, event_date=date(2024, 2, 20))
    assert (result.start_date, result.end_date) == (date(2024, 2, 20), date(2024, 3, 5))  # +14


@pytest.mark.parametrize("months", [-1, 11], ids=["negative", "eleven"])
def test_miscarriage_rejects_impossible_months(months: int) -> None:
    with pytest.raises(InvalidFactsError):
        miscarriage_leave(completed_months=months)


# --- the shipped province files, against legal_facts.md §8.3 -----------------------------

# Totals for a first child, normal birth, taken from legal_facts.md §8.3 (High/Medium rows).
CONFIRMED_TOTALS = {
    "北京": 158,  # 98 + 延长生育假 60 (北京市人口与计划生育条例第十九条, via SEC-A; 北京日报)
    "上海": 158,  # 98 + 生育假 60 (上海市人口与计划生育条例第三十一条, primary text)
    "江苏": 158,  # 98 + 60 (苏发〔2022〕8号, via SEC-A)
    "浙江": 158,  # 一孩 98 + 60 (浙江省人口与计划生育条例第二十二条, primary text)
    "安徽": 158,  # 98 + 60 (安徽省人口与计划生育条例第三十二条, via SEC-A)
    "福建": 158,  # 158–180, minimum 158 (福建省人口与计划生育条例第二十四条, via SEC-A)
    "山东": 158,  # 98 + 60 (山东省人口与计划生育条例第二十六条, via SEC-A)
    "河南": 188,  # 98 + 三个月 (90 days per 郑州 reply, via SEC-A)
    "湖北": 158,  # 98 + 60 (湖北省卫健委 Q&A 2021-12-10, via SEC-A)
    "湖南": 158,  # 98 + 60 (湖南省人口与计划生育条例第十六条, via SEC-A)
    "广东": 178,  # 98 + 奖励假 80 (广东省人口与计划生育条例第三十条, primary text)
    "重庆": 178,  # 98 + 80 (重庆市人口与计划生育条例第二十三条, via SEC-A)
    "四川": 188,  # 98 + 90 for births from 2025-11-28 (四川人大网 2025-12, via SEC-A)
    "陕西": 158,  # 98 + 60 (陕西省人口与计划生育条例第四十五条, via SEC-A)
}
# Rows resting on SEC-B alone or disputed: the file may give the SEC-B figure or leave the
# extra days out (98); either way the result must carry the "unconfirmed" warning.
UNCONFIRMED_TOTALS = {
    "天津": {158, 128},  # SEC-A 158, SEC-B 128
    "河北": {158},
    "山西": {158},
    "内蒙古": {158},
    "辽宁": {158},
    "吉林": {158},
    "黑龙江": {158, 180},
    "江西": {188},
    "广西": {148},
    "海南": {190},
    "贵州": {158},
    "云南": {158},
    "西藏": {365},
    "甘肃": {180},
    "青海": {188},
    "宁夏": {158},
    "新疆": {158},
}
PINYIN = {
    "北京": "beijing", "天津": "tianjin", "河北": "hebei", "山西": "shanxi", "内蒙古": "neimenggu",
    "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang", "上海": "shanghai",
    "江苏": "jiangsu", "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi",
    "山东": "shandong", "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong",
    "广西": "guangxi", "海南": "hainan", "重庆": "chongqing", "四川": "sichuan", "贵州": "guizhou",
    "云南": "yunnan", "西藏": "xizang", "陕西": "shaanxi", "甘肃": "gansu", "青海": "qinghai",
    "宁夏": "ningxia", "新疆": "xinjiang",
}  # fmt: skip
BIRTH = date(2025, 12, 1)  # after 四川's 2025-11-28 change; inside the holiday calendar


def _shipped(short: str) -> ProvinceFile:
    name = resolve_province(short)
    shipped = load_knowledge().provinces.get(name)
    if shipped is None:
        pytest.skip(f"{name} province file not written yet")
    return shipped


@pytest.mark.parametrize(
    ("short", "total"),
    sorted(CONFIRMED_TOTALS.items()),
    ids=[f"{PINYIN[short]}-{total}" for short, total in sorted(CONFIRMED_TOTALS.items())],
)
def test_shipped_province_total(short: str, total: int) -> None:
    result = maternity_leave(province=_shipped(short), birth_date=BIRTH, birth_order=1)
    assert result.total_days == total


@pytest.mark.parametrize(
    ("short", "totals"),
    sorted(UNCONFIRMED_TOTALS.items()),
    ids=[PINYIN[short] for short in sorted(UNCONFIRMED_TOTALS)],
)
def test_shipped_unconfirmed_province_total_is_flagged(short: str, totals: set[int]) -> None:
    shipped = _shipped(short)
    result = maternity_leave(province=shipped, birth_date=BIRTH, birth_order=1)
    assert result.total_days in totals | {98}
    if shipped.maternity.verification == "unconfirmed" or shipped.maternity.extra_days is None:
        assert any("尚未核实" in note for note in result.notes)


def test_cited_provisions_exist_in_the_statute_data() -> None:
    """Every national provision a calculator cites is stored, once its law file exists."""
    knowledge = load_knowledge()
    for provision_id in sorted(cited_provision_ids()):
        law_id = provision_id.split(":", 1)[0]
        if law_id not in knowledge.laws:
            continue  # that statute file is not written yet
        assert provision_id in knowledge.provisions, f"{provision_id} is cited but not stored"


# --- the shipped counting rules of 上海, 江苏, 安徽 and 山东 ----------------------------------

# Statutory holidays (State Council notices, as carried by chinese-calendar) inside these
# dates: 2025 国庆 10-01..10-03 and 中秋 10-06 (10-04/05 are a weekend, 10-07/08 swapped
# days); 2026 元旦 01-01 (01-02 is a swapped day). A swapped or weekend day adds nothing.
# Start = birth − 15 days; 98 national days, then the province's 60.
#
# Birth 2025-09-20 → start 2025-09-05. National part 09-05..12-11 (26 + 31 + 30 + 11 = 98),
# holding 国庆/中秋 (4 days); extra part from 12-12: 12-12..2026-02-09 (20 + 31 + 9 = 60),
# holding 元旦 (1 day).
#   上海, 江苏 (extension only): 02-09 + 1 → 2026-02-10 (02-10 is an ordinary Tuesday).
#   安徽 (whole leave): national 12-11 + 4 → 12-15; extra 12-16..2026-02-13 (16 + 31 + 13),
#     元旦 inside → +1 → 02-14 (a Saturday worked as a swap day, not a holiday): 5 added.
#   山东 (calendar days): 09-05 + 157 → 2026-02-09.
#
# Birth 2025-06-20 → start 2025-06-05 (after 端午 05-31..06-02). National part 06-05..09-10
# (26 + 31 + 31 + 10 = 98), no statutory holiday; extra part 09-11..11-09 (20 + 31 + 9 = 60),
# holding 国庆/中秋 (4 days) → 11-13 for 上海, 江苏 and 安徽 alike; 山东 11-09.
SHIPPED_COUNTING = [
    ("上海", date(2025, 9, 20), date(2026, 2, 10), 1),
    ("江苏", date(2025, 9, 20), date(2026, 2, 10), 1),
    ("安徽", date(2025, 9, 20), date(2026, 2, 14), 5),
    ("山东", date(2025, 9, 20), date(2026, 2, 9), 0),
    ("上海", date(2025, 6, 20), date(2025, 11, 13), 4),
    ("江苏", date(2025, 6, 20), date(2025, 11, 13), 4),
    ("安徽", date(2025, 6, 20), date(2025, 11, 13), 4),
    ("山东", date(2025, 6, 20), date(2025, 11, 9), 0),
]


@pytest.mark.parametrize(
    ("short", "birth", "end", "added"),
    SHIPPED_COUNTING,
    ids=[f"{PINYIN[short]}-{birth:%m%d}" for short, birth, _, _ in SHIPPED_COUNTING],
)
def test_shipped_holiday_counting(short: str, birth: date, end: date, added: int) -> None:
    result = maternity_leave(province=_shipped(short), birth_date=birth, birth_order=1)
    assert result.start_date == birth - timedelta(days=15)
    assert result.total_days == 158
    assert (result.end_date, result.holiday_days_added) == (end, added), result.notes
