"""Entity spans become ISO dates and numbers the calculators can use (today = 2026-11-25)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from nlu.extraction import (
    ExtractionError,
    extract_facts,
    normalise_entities,
    parse_babies,
    parse_date,
    parse_money,
    parse_months,
    parse_pregnancy_weeks,
)

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        pytest.param("去年3月5号", "birth", date(2025, 3, 5), id="last-year"),
        pytest.param("2026年5月20日", "birth", date(2026, 5, 20), id="absolute"),
        pytest.param("2024-02-29", "birth", date(2024, 2, 29), id="iso-leap-day"),
        pytest.param("下周三", "appointment", date(2026, 12, 2), id="next-wednesday"),
        pytest.param("前天", "event", date(2026, 11, 23), id="day-before-yesterday"),
        pytest.param("3月5日", "birth", date(2026, 3, 5), id="no-year-past-birth"),
        pytest.param("12月20日", "birth", date(2025, 12, 20), id="no-year-birth-moves-back"),
        pytest.param("3月5日", "due", date(2027, 3, 5), id="no-year-due-moves-forward"),
        pytest.param(
            "三月五号", "appointment", date(2027, 3, 5), id="chinese-numerals-appointment"
        ),
        pytest.param("今年1月31号", "birth", date(2026, 1, 31), id="month-end"),
    ],
)
def test_dates_become_iso_dates(text: str, role: str, expected: date) -> None:
    value = parse_date(text, role=role, today=TODAY)
    assert value.exact
    assert value.start == expected


def test_a_vague_due_date_is_a_span() -> None:
    value = parse_date("预产期是明年二月", role="due", today=TODAY)
    assert not value.exact
    assert (value.start, value.end) == (date(2027, 2, 1), date(2027, 2, 28))
    assert value.iso == "2027-02-01/2027-02-28"


def test_nonsense_is_not_a_date() -> None:
    with pytest.raises(ExtractionError):
        parse_date("公司老板", role="event", today=TODAY)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("七个月", 7),
        ("7个月", 7),
        ("半岁", 6),
        ("两岁半", 30),
        ("1岁3个月", 15),
        ("十个月", 10),
        ("3个半月", 3),
        ("一岁", 12),
        ("四個月", 4),
        ("兩歲", 24),
    ],
)
def test_ages_and_durations_in_months(text: str, months: int) -> None:
    assert parse_months(text) == months


@pytest.mark.parametrize(
    ("text", "weeks"), [("28周", 28), ("二十八周", 28), ("七个月", 30), ("5个月", 21)]
)
def test_pregnancy_weeks(text: str, weeks: int) -> None:
    assert parse_pregnancy_weeks(text) == weeks


@pytest.mark.parametrize(
    ("text", "count"), [("双胞胎", 2), ("龙凤胎", 2), ("三胞胎", 3), ("2", 2), ("两", 2)]
)
def test_number_of_babies(text: str, count: int) -> None:
    assert parse_babies(text) == count


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("3000块", Decimal(3000)),
        ("三千五", Decimal(3500)),
        ("1.2万", Decimal(12000)),
        ("叁仟元", Decimal(3000)),
        ("5,800元", Decimal(5800)),
        ("8k", Decimal(8000)),
    ],
)
def test_money_in_yuan(text: str, amount: Decimal) -> None:
    assert parse_money(text) == amount


def test_engine_entities_are_normalised_and_bad_spans_reported() -> None:
    facts = normalise_entities(
        [
            {"entity": "date", "value": "去年3月5号", "role": "birth"},
            {"entity": "pregnancy_weeks", "value": "七个月"},
            {"entity": "child_age_months", "value": "半岁"},
            {"entity": "babies", "value": "双胞胎"},
            {"entity": "money", "value": "三千五"},
            {"entity": "date", "value": "老板说的", "role": "event"},
            {"entity": "city", "value": "济南"},
        ],
        today=TODAY,
    )
    assert facts.date_for("birth") is not None and facts.date_for("birth").start == date(2025, 3, 5)
    assert (facts.pregnancy_weeks, facts.child_age_months, facts.babies) == (30, 6, 2)
    assert facts.money == Decimal(3500)
    assert len(facts.problems) == 1
    assert facts.to_dict()["dates"][0]["date"] == "2025-03-05"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "我去年3月5号生的孩子，现在公司要辞退我",
            {"dates": [("birth", "2025-03-05")]},
            id="birth-date-from-text",
        ),
        pytest.param(
            "预产期是明年二月，公司说让我走",
            {"dates": [("due", "2027-02-01/2027-02-28")]},
            id="vague-due-date",
        ),
        pytest.param(
            "我约了下周三去咨询", {"dates": [("appointment", "2026-12-02")]}, id="appointment"
        ),
        pytest.param(
            "工资3000块，怀孕七个月了",
            {"money": "3000", "pregnancy_weeks": 30},
            id="money-and-weeks",
        ),
        pytest.param("宝宝半岁了单位不给哺乳时间", {"child_age_months": 6}, id="child-age"),
        pytest.param(
            "2025年12月20日生的双胞胎",
            {"babies": 2, "dates": [("birth", "2025-12-20")]},
            id="twins",
        ),
    ],
)
def test_facts_the_engine_missed_are_found_in_the_text(
    text: str, expected: dict[str, object]
) -> None:
    facts = extract_facts(text, [], today=TODAY).to_dict()
    for key, value in expected.items():
        if key == "dates":
            assert [(d["role"], d["date"]) for d in facts["dates"]] == value
        else:
            assert facts[key] == value


def test_engine_entities_take_precedence_over_the_text() -> None:
    facts = extract_facts(
        "3月5日生的", [{"entity": "date", "value": "3月5日", "role": "birth"}], today=TODAY
    )
    assert [d.start for d in facts.dates] == [date(2026, 3, 5)]
