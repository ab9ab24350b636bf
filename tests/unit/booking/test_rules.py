"""Booking rules without a database: phones, names, codes, holidays, slots, policy, texts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.booking.codes import CODE_ALPHABET, looks_like_code, new_code
from bot.booking.crypto import PhoneCipher
from bot.booking.errors import ChangeNotAllowed, InvalidName, InvalidPhone, SlotNotBookable
from bot.booking.holidays import DayKind, classify_day, schedule_weekday
from bot.booking.ics import appointment_ics
from bot.booking.names import normalise_name
from bot.booking.phone import mask_phone, normalise_phone
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.schedule import DatedException, WeeklyRule, generate_slots
from bot.booking.stations_file import read_stations_file
from bot.booking.texts import AppointmentView, confirmation_text
from bot.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0531-86123456", "0531-86123456"),
        ("010 12345678", "010-12345678"),
    ],
    ids=["plain", "spaces", "country-code", "full-width", "landline", "beijing-landline"],
)
def test_phone_numbers_are_normalised(typed: str, normal: str) -> None:
    assert normalise_phone(typed) == normal


@pytest.mark.parametrize("typed", ["12345", "23812345678", "1381234567", "我的电话", ""])
def test_invalid_phone_numbers_say_what_a_valid_one_looks_like(typed: str) -> None:
    with pytest.raises(InvalidPhone, match="11位手机号"):
        normalise_phone(typed)


def test_masked_phone_keeps_only_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("王芳", "王芳"),
        ("我叫李秀英。", "李秀英"),
        ("王女士", "王女士"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
    ],
)
def test_names_are_taken_without_filler(typed: str, name: str) -> None:
    assert normalise_name(typed) == name


@pytest.mark.parametrize("typed", ["13812345678", "算了我不想约了谢谢你", "", "王芳123"])
def test_text_that_is_not_a_name_is_refused(typed: str) -> None:
    with pytest.raises(InvalidName):
        normalise_name(typed)


def test_codes_use_an_unambiguous_alphabet_and_are_found_in_text() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    code = next(iter(codes))
    assert looks_like_code(f"我的预约码是 {code.lower()}") == code
    assert looks_like_code("13812345678") is None


def test_phone_cipher_round_trips_and_hashes_the_normal_form() -> None:
    cipher = PhoneCipher("a-secret-that-is-long-enough")
    token = cipher.encrypt("138 1234 5678")
    assert b"13812345678" not in token
    assert cipher.decrypt(token) == "13812345678"
    assert cipher.lookup_hash("+8613812345678") == cipher.lookup_hash("13812345678")
    other = PhoneCipher("another-secret-long-enough")
    assert other.lookup_hash("13812345678") != cipher.lookup_hash("13812345678")
    with pytest.raises(ValueError, match="PHONE_ENCRYPTION_KEY"):
        other.decrypt(token)


@pytest.mark.parametrize(
    ("day", "kind", "weekday"),
    [
        (date(2026, 10, 1), DayKind.HOLIDAY, None),  # National Day
        (date(2026, 10, 7), DayKind.HOLIDAY, None),  # Wednesday, a day off in lieu
        (date(2026, 10, 10), DayKind.ADJUSTED_WORKDAY, 2),  # Saturday worked for 7 October
        (date(2026, 12, 2), DayKind.WORKDAY, 2),
        (date(2026, 12, 5), DayKind.WEEKEND, 5),
        (date(2027, 1, 1), DayKind.HOLIDAY, None),  # beyond the package's data: fixed date
        (date(2027, 1, 6), DayKind.WORKDAY, 2),
    ],
    ids=[
        "national-day",
        "in-lieu",
        "adjusted-saturday",
        "workday",
        "weekend",
        "new-year-2027",
        "unknown-year-workday",
    ],
)
def test_days_are_classified_by_the_official_calendar(
    day: date, kind: str, weekday: int | None
) -> None:
    assert classify_day(day) == kind
    assert schedule_weekday(day) == weekday


WEDNESDAY_MORNING = WeeklyRule("reception_day", 2, time(9), time(11, 40), 30, 3, 10)


def test_slots_are_spaced_by_the_buffer_and_end_before_closing() -> None:
    slots = generate_slots(
        [WEDNESDAY_MORNING], [], first_day=date(2026, 12, 2), last_day=date(2026, 12, 2)
    )
    assert [f"{s.starts_at:%H:%M}-{s.ends_at:%H:%M}" for s in slots] == [
        "09:00-09:30",
        "09:40-10:10",
        "10:20-10:50",
        "11:00-11:30",
    ]
    assert all(s.seats == 3 and s.starts_at.tzinfo == CHINA_TZ for s in slots)


def test_holidays_close_the_day_and_adjusted_working_days_open_it() -> None:
    slots = generate_slots(
        [WEDNESDAY_MORNING], [], first_day=date(2026, 10, 1), last_day=date(2026, 10, 14)
    )
    days = sorted({s.starts_at.date() for s in slots})
    # 7 Oct (Wednesday) is off in lieu; Saturday 10 Oct is worked in its place; 14 Oct normal.
    assert days == [date(2026, 10, 10), date(2026, 10, 14)]


def test_dated_exceptions_close_a_day_or_change_its_hours() -> None:
    closed = DatedException(date(2026, 12, 9), closed=True, note="律师外出")
    extra = DatedException(
        date(2026, 12, 12),
        service="reception_day",
        closed=False,
        start=time(14),
        end=time(15),
        seats=1,
    )
    slots = generate_slots(
        [WEDNESDAY_MORNING],
        [closed, extra],
        first_day=date(2026, 12, 9),
        last_day=date(2026, 12, 12),
    )
    assert [(s.starts_at.date(), f"{s.starts_at:%H:%M}", s.seats) for s in slots] == [
        (date(2026, 12, 12), "14:00", 1)
    ]


def test_the_policy_keeps_to_the_horizon_notice_and_cut_off() -> None:
    policy = BookingPolicy(horizon_days=28, min_notice_hours=2, cutoff_hours=24)
    now = datetime(2026, 12, 2, 8, 0, tzinfo=CHINA_TZ)
    policy.check_bookable(now + timedelta(hours=3), now)
    with pytest.raises(SlotNotBookable, match="太近"):
        policy.check_bookable(now + timedelta(hours=1), now)
    with pytest.raises(SlotNotBookable, match="28天"):
        policy.check_bookable(now + timedelta(days=40), now)
    policy.check_changeable(now + timedelta(hours=30), now, "12351")
    with pytest.raises(ChangeNotAllowed, match="0531-1234"):
        policy.check_changeable(now + timedelta(hours=20), now, "0531-1234")


def _view() -> AppointmentView:
    start = datetime(2026, 12, 9, 9, 0, tzinfo=CHINA_TZ)
    return AppointmentView(
        code="K7P3QX",
        service="reception_day",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        station_name="演示·济南市工作站",
        address="演示地址",
        station_phone="12351",
        person_name="王芳",
        phone_masked="138****5678",
        status="booked",
    )


def test_the_confirmation_names_code_time_address_and_what_to_bring() -> None:
    text = confirmation_text(_view(), ics_url="https://example.test/a.ics")
    for needed in (
        "K7P3QX",
        "12月9日（周三）09:00–09:30",
        "演示地址",
        "身份证",
        "劳动合同",
        "工资条",
        "辞退通知",
        "出生证明",
        "聊天记录",
        "https://example.test/a.ics",
    ):
        assert needed in text


def test_the_calendar_file_holds_one_event_in_utc_with_a_stable_uid() -> None:
    body = appointment_ics(_view(), now=datetime(2026, 12, 1, tzinfo=UTC)).decode()
    assert "BEGIN:VEVENT" in body and "UID:K7P3QX@hotline-assistant" in body
    assert "DTSTART:20261209T010000Z" in body
    assert "BEGIN:VALARM" in body


def test_the_demo_stations_file_is_marked_as_demo_data() -> None:
    parsed = read_stations_file(PROJECT_ROOT / "data" / "stations.demo.yaml")
    assert parsed.demo and all(s.is_demo and "演示" in s.name for s in parsed.stations)
    assert {s.city for s in parsed.stations} == {"济南市", "淄博市", "随州市", "北京市"}


def test_a_csv_stations_file_merges_rows_of_one_station(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "stations.csv"
    path.write_text(
        "code,name,province,city,address,services,service,weekday,start,end,slot_minutes,seats\n"
        "s1,演示站,山东省,济南市,演示地址,reception_day;legal_aid,reception_day,周三,09:00,11:00,30,2\n"
        "s1,演示站,山东省,济南市,演示地址,reception_day;legal_aid,legal_aid,5,14:00,16:00,45,1\n",
        encoding="utf-8",
    )
    station = read_stations_file(path).stations[0]
    assert [(r.service, r.weekday) for r in station.schedule] == [
        ("reception_day", 2),
        ("legal_aid", 4),
    ]
