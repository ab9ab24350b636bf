"""Hostile input against the other parsers behind the gateway: properties for any input.

Telegram updates, web chat and JSON API messages, text splitting, phone numbers and names,
NLU extraction and the calculators' CLI validation (the WeChat callback has its own file,
``test_hostile_wechat.py``). Each property says what must happen whatever arrives: the
parser's own documented error or a 4xx — never a 500 or an uncaught exception. The
``@example`` cases are inputs that did crash before their fix.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.booking.errors import InvalidName, InvalidPhone
from bot.booking.names import normalise_name
from bot.booking.phone import mask_phone, normalise_phone
from bot.channels.text import split_bytes, split_chars
from bot.cli.main import app as cli
from nlu.extraction import (
    ExtractionError,
    extract_facts,
    parse_babies,
    parse_date,
    parse_money,
    parse_months,
    parse_pregnancy_weeks,
)
from tests.security.conftest import TELEGRAM_HEADERS, TELEGRAM_SECRET
from tests.security.hostile import (
    PURE,
    THROUGH_HTTP,
    TODAY,
    examples,
    hostile_text,
    next_serial,
    sender,
)
from tests.unit.channels.fakes import FakeEngine
from tests.unit.channels.wechat_support import (
    signed_params,
    text_xml,
)

pytestmark = pytest.mark.filterwarnings("ignore:不符合格式的数据:UserWarning")  # cn2an's chatter


# -- Telegram --------------------------------------------------------------------------------

TELEGRAM_KEYS = [
    "message",
    "edited_message",
    "callback_query",
    "chat",
    "from",
    "id",
    "type",
    "text",
    "date",
    "message_id",
    "data",
    "entities",
    "photo",
    "reply_to_message",
    "chat_instance",
    "first_name",
    "is_bot",
    "offset",
    "length",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(TELEGRAM_KEYS), st.text(max_size=4)), inner),
    ),
    max_leaves=20,
)
chats = st.fixed_dictionaries(
    {"id": st.one_of(st.integers(1, 2**40), json_values), "type": st.just("private")}
)
messages = st.fixed_dictionaries(
    {
        "message_id": st.one_of(st.integers(1, 10**6), json_values),
        "date": st.one_of(st.integers(0, 2**31), json_values),
        "chat": st.one_of(chats, json_values),
    },
    optional={"text": st.one_of(hostile_text, json_values), "from": json_values},
)
callbacks = st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=8), json_values),
        "from": json_values,
        "chat_instance": st.text(max_size=8),
        "message": st.one_of(messages, json_values),
    },
    optional={"data": st.one_of(st.sampled_from(["#1", "#99999999999999999999", ""]), scalars)},
)
updates = st.fixed_dictionaries(
    {"update_id": st.one_of(st.integers(0, 2**40), json_values)},
    optional={"message": st.one_of(messages, json_values), "callback_query": callbacks},
)


@THROUGH_HTTP
@given(update=st.one_of(updates, json_values))
@example(update={"update_id": 1, "message": "x"})  # AttributeError in PTB before the fix
@example(update={"update_id": 2, "message": {"message_id": 1, "date": 2**60, "chat": {}}})
@example(
    update={
        "update_id": 3,
        "message": {"message_id": 1, "date": 1, "chat": {"id": "../x", "type": "private"}},
    }
)
@example(
    update={
        "update_id": 4,
        "message": {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"}, "text": 7},
    }
)
def test_any_json_posted_to_the_telegram_webhook_is_answered_or_refused(
    client: TestClient, update: Any
) -> None:
    response = client.post(
        f"/telegram/{TELEGRAM_SECRET}", content=json.dumps(update), headers=TELEGRAM_HEADERS
    )
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            b'{"update_id": 1, "message": {"message_id": 1, "date": 1, '
            b'"chat": {"id": 5, "type": "private"}, "text": "\\ud800"}}',
            id="lone-surrogate",
        ),
        pytest.param(b'{"update_id": NaN}', id="nan"),
        pytest.param(b"[1, 2", id="truncated"),
        pytest.param(b"\xff\xfe{}", id="not-utf-8"),
        pytest.param(b'"just a string"', id="not-an-object"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="arrays-100k-deep"),
        pytest.param(  # readable JSON, but PTB recurses per reply: RecursionError, a 500
            b'{"update_id": 9, "message": '
            + b'{"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"}, '
            b'"reply_to_message": ' * 600 + b"{}" + b"}" * 601,
            id="replies-600-deep",
        ),
    ],
)
def test_unreadable_telegram_json_is_a_400_not_a_500(
    client: TestClient, engine: FakeEngine, body: bytes
) -> None:
    response = client.post(f"/telegram/{TELEGRAM_SECRET}", content=body, headers=TELEGRAM_HEADERS)
    assert response.status_code in (200, 400)
    assert engine.messages == []


# -- web chat -----------------------------------------------------------------------------


@THROUGH_HTTP
@given(
    text=hostile_text,
    payload=st.one_of(st.none(), hostile_text, st.sampled_from(["/greet", '/inform{"a": 1}'])),
    message_id=st.one_of(st.none(), st.text(max_size=70)),
)
def test_any_web_chat_message_gets_a_reply_or_a_422(
    client: TestClient, text: str, payload: str | None, message_id: str | None
) -> None:
    worker = f"web-{next_serial():020d}"
    response = client.post(
        "/chat/api/messages",
        json={"text": text, "payload": payload, "message_id": message_id},
        headers={"X-Requested-With": "hotline-chat", "Cookie": f"hotline_chat={worker}"},
    )
    assert response.status_code in (200, 422)


# -- JSON APIs: huge, empty, emoji, control characters ------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(json.dumps("长" * 100_000), 413, id="huge-100k"),
        pytest.param('""', 422, id="empty"),
        pytest.param(json.dumps("😀👩‍👧🙏"), 200, id="emoji-only"),
        pytest.param(json.dumps("\x00\x07\x1b[31m\u202e\ufeff"), 200, id="control-characters"),
        pytest.param('"\\ud800"', 422, id="lone-surrogate"),  # valid JSON, not valid text
        pytest.param("NaN", 422, id="nan"),  # Python's JSON reader accepts it
    ],
)
def test_api_messages_answer_odd_texts_with_2xx_or_4xx(
    client: TestClient, text: str, expected: int
) -> None:
    body = f'{{"user_id": "{sender("odd-")}", "text": {text}}}'.encode()
    response = client.post(
        "/api/v1/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("长" * 100_000, 413, id="huge-100k"),
        pytest.param("", 200, id="empty"),
        pytest.param("😀👩‍👧🙏", 200, id="emoji-only"),
        pytest.param("\x00\x07\x1b[31m", 400, id="control-characters"),
        pytest.param("\u202e\ufeff\u200b", 200, id="invisible-marks"),
    ],
)
def test_wechat_answers_odd_texts_with_2xx_or_4xx(
    client: TestClient, text: str, expected: int
) -> None:
    xml = text_xml(text, sender("odd-"), user=sender("oOdd"))
    response = client.post("/wechat", params=signed_params(), content=xml.encode("utf-8"))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "user_id",
    ["../../status", "a/tracker/events?x=", "user#1", "a b", "\x1f", "用户"],
)
def test_a_user_id_that_would_change_the_engines_url_is_refused(
    client: TestClient, engine: FakeEngine, user_id: str
) -> None:
    response = client.post("/api/v1/messages", json={"user_id": user_id, "text": "你好"})
    assert response.status_code == 422
    assert engine.messages == []


# -- text splitting ----------------------------------------------------------------------


@PURE
@given(text=hostile_text, limit=st.integers(min_value=1, max_value=300))
def test_split_chars_fits_every_part_and_loses_no_visible_character(text: str, limit: int) -> None:
    parts = split_chars(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())


@PURE
@given(text=hostile_text, limit=st.integers(min_value=4, max_value=600))
def test_split_bytes_fits_every_part_in_bytes_and_loses_no_visible_character(
    text: str, limit: int
) -> None:
    parts = split_bytes(text, limit)
    assert all(0 < len(part.encode("utf-8")) <= limit for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())


# -- phone numbers and names ---------------------------------------------------------------

phone_like = st.text(
    st.one_of(
        st.sampled_from(list("0123456789+-() .·－")),
        st.characters(categories=["Nd"]),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=24,
)


@PURE
@given(text=phone_like)
@example(text="13٨12345678")  # Arabic-Indic digit: accepted before re.ASCII
@example(text="１３８１２３４５６７８")
def test_a_phone_number_is_dialable_ascii_digits_or_refused(text: str) -> None:
    try:
        phone = normalise_phone(text)
    except InvalidPhone:
        return
    assert re.fullmatch(r"1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}", phone)
    assert normalise_phone(phone) == phone
    assert sum(c.isdigit() for c in mask_phone(phone)) <= 7


@PURE
@given(text=st.one_of(hostile_text, st.sampled_from(["<script>alert(1)</script>", "王芳"])))
@example(text="Robert'); DROP TABLE appointments;--")
@example(text="王<b>芳</b>")
def test_a_name_is_letters_only_or_refused(text: str) -> None:
    try:
        name = normalise_name(text)
    except InvalidName:
        return
    assert name == name.strip() and 1 <= len(name) <= 30
    assert not set(name) & set('<>&"();=/\\\x00\n')
    assert not any(c.isdigit() for c in name)


# -- NLU extraction ---------------------------------------------------------------------------

digit_runs = st.builds(
    lambda digits, unit: digits + unit,
    st.text(alphabet="0123456789", min_size=1, max_size=5000),
    st.sampled_from(["岁", "个月", "周", "天", "年", "块", "胞胎", ""]),
)


@settings(max_examples=examples(200), deadline=None)
@given(text=st.one_of(hostile_text, digit_runs))
@example(text="1" * 400 + "岁")  # float infinity → int(): OverflowError before the fix
@example(text="9" * 5000 + "周")  # past int()'s 4300-digit limit: ValueError before the fix
def test_each_span_parser_returns_a_value_or_an_extraction_error(text: str) -> None:
    for parse in (parse_months, parse_pregnancy_weeks, parse_babies, parse_money):
        with contextlib.suppress(ExtractionError):
            parse(text)


@settings(max_examples=examples(40), deadline=None)
@given(text=st.one_of(hostile_text, digit_runs))
@example(text="3月5号之前")  # an open span: jionlp ends it at "-inf", ValueError before the fix
def test_a_date_span_is_a_date_or_an_extraction_error(text: str) -> None:
    with contextlib.suppress(ExtractionError):
        value = parse_date(text, role="birth", today=TODAY)
        assert value.start <= value.end


@settings(max_examples=examples(40), deadline=None)
@given(text=st.one_of(hostile_text, st.builds("怀孕{}".format, digit_runs)))
@example(text="我3月5号之前被公司辞退了")  # crashed the walkthrough before the fix
def test_facts_are_read_from_any_message_without_an_error(text: str) -> None:
    facts = extract_facts(text, [], today=TODAY)
    assert all(value.start <= value.end for value in facts.dates)


# -- knowledge calculators, through the CLI's validation -----------------------------------

provinces = st.one_of(st.sampled_from(["山东", "湖北省", "济南", "北京"]), hostile_text)
day_strings = st.one_of(
    st.dates().map(date.isoformat),
    st.text(alphabet="0123456789-", max_size=12),
    hostile_text,
)


@settings(max_examples=examples(60), deadline=None)
@given(
    province=provinces,
    birth_date=day_strings,
    babies=st.integers(min_value=-(10**12), max_value=10**12),
)
@example(province="山东", birth_date="9999-12-31", babies=1)  # OverflowError before the fix
@example(province="山东", birth_date="0001-01-01", babies=1)
def test_the_leave_calculator_answers_or_refuses_with_a_message(
    province: str, birth_date: str, babies: int
) -> None:
    args = ["rights", "leave", "--province", province, "--birth-date", birth_date]
    result = CliRunner().invoke(cli, [*args, "--babies", str(babies), "--json"])
    assert result.exit_code in (0, 2), repr(result.exception)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["total_days"] > 0
