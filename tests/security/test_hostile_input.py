"""Hostile input against every parser behind the gateway: properties that hold for any input.

Hypothesis generates the input. Each property says what must happen whatever arrives: the
parser's own documented error or a 4xx — never a 500, an uncaught exception, or an entity
expanded. The ``@example`` cases are inputs that did crash before their fix.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import re
import time
from datetime import date
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner
from wechatpy.crypto import WeChatCrypto  # type: ignore[import-untyped]

from bot.booking.errors import InvalidName, InvalidPhone
from bot.booking.names import normalise_name
from bot.booking.phone import mask_phone, normalise_phone
from bot.channels.errors import BadPayload, BadSignature
from bot.channels.text import split_bytes, split_chars
from bot.channels.wechat import MAX_CLOCK_SKEW_S, WeChatChannel, parse_xml
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
from tests.unit.channels.fakes import FakeEngine
from tests.unit.channels.wechat_support import (
    AES_KEY,
    APP_ID,
    NONCE,
    OFFICIAL_ACCOUNT,
    TOKEN,
    reply_content,
    signature,
    signed_params,
    text_xml,
)

pytestmark = pytest.mark.filterwarnings("ignore:不符合格式的数据:UserWarning")  # cn2an's chatter

# HOTLINE_FUZZ_SCALE=20 makes a deeper hunt (the default keeps this file well under a minute).
SCALE = float(os.environ.get("HOTLINE_FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    return max(1, int(count * SCALE))


# Through the whole gateway (TestClient): fewer examples; the fixture's state is shared by
# the examples on purpose (each example uses a sender of its own).
THROUGH_HTTP = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PURE = settings(max_examples=examples(300), deadline=None)
TODAY = date(2026, 5, 1)
NOW = 1_780_000_000

# Characters XML 1.0 allows in text (no C0 controls but tab and newlines, no U+FFFE/FFFF);
# "\r" is left out because XML turns it into "\n".
xml_text = st.text(
    st.one_of(
        st.characters(
            min_codepoint=0x20, exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"
        ),
        st.sampled_from("\t\n"),
    )
)
# Anything a worker could paste: emoji, zero-width and bidi marks, control characters.
hostile_text = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["😀", "👩‍👧", "\u200b", "\u202e", "\x00", "\x07", "\x1b", "\ufeff", "\n"]),
    ),
    max_size=80,
).map("".join)
_senders = itertools.count()


def _sender(prefix: str) -> str:
    return f"{prefix}{next(_senders)}"


def _channel(clock: float = NOW) -> WeChatChannel:
    """The channel's verification and parsing only (no relay: nothing is answered)."""
    return WeChatChannel(
        token=TOKEN,
        relay=None,  # type: ignore[arg-type]
        ledger=None,  # type: ignore[arg-type]
        redis_client=None,  # type: ignore[arg-type]
        deliveries=None,  # type: ignore[arg-type]
        app_id=APP_ID,
        encoding_aes_key=AES_KEY,
        clock=lambda: clock,
    )


def _signed(timestamp: int | str) -> dict[str, str]:
    ts = str(timestamp)
    return {"signature": signature(TOKEN, ts, NONCE), "timestamp": ts, "nonce": NONCE}


# -- WeChat XML --------------------------------------------------------------------------


@PURE
@given(body=st.binary(max_size=2048))
def test_any_bytes_parse_as_fields_or_are_refused_as_a_bad_payload(body: bytes) -> None:
    with contextlib.suppress(BadPayload):
        fields = parse_xml(body)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())


XML_PIECES = [
    "<xml>",
    "</xml>",
    "<Content>",
    "</Content>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&lt;",
    "&x;",
    "&#0;",
    "&#x1F600;",
    '<?xml version="1.0" encoding="utf-8"?>',
    "<!DOCTYPE xml [",
    '<!ENTITY x "y">',
    '<!ENTITY x SYSTEM "file:///etc/passwd">',
    "]>",
    "<!-- c -->",
    "<?pi x?>",
    '<a b="1" b="2">',
]


@PURE
@given(pieces=st.lists(st.one_of(st.sampled_from(XML_PIECES), xml_text), max_size=12))
def test_xml_shaped_noise_parses_as_fields_or_is_refused(pieces: list[str]) -> None:
    with contextlib.suppress(BadPayload):
        parse_xml("".join(pieces).encode("utf-8"))


TAGS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event"]


@PURE
@given(fields=st.dictionaries(st.sampled_from(TAGS), xml_text, max_size=len(TAGS)))
def test_the_fields_of_a_well_formed_message_come_back_exactly(fields: dict[str, str]) -> None:
    def cdata(value: str) -> str:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    body = "<xml>" + "".join(f"<{k}>{cdata(v)}</{k}>" for k, v in fields.items()) + "</xml>"
    assert parse_xml(body.encode("utf-8")) == fields


ENTITY_ATTACKS = {
    "billion-laughs": (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "lol">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&d;</Content></xml>"
    ),
    "quadratic-blowup": (
        '<!DOCTYPE xml [<!ENTITY a "' + "A" * 20000 + '">]>'
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType>"
        "<Content>" + "&a;" * 1000 + "</Content></xml>"
    ),
    "external-entity": (
        '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&x;</Content></xml>"
    ),
    "external-dtd": (
        '<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd">'
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>"
    ),
    "parameter-entity": (
        '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>"
    ),
    "dtd-without-entities": (
        "<!DOCTYPE xml><xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>"
    ),
    "undeclared-entity": "<xml><FromUserName>u</FromUserName><Content>&nbsp;</Content></xml>",
    "illegal-character-reference": (
        "<xml><FromUserName>u</FromUserName><Content>&#1;</Content></xml>"
    ),
}


@pytest.mark.parametrize("xml", ENTITY_ATTACKS.values(), ids=ENTITY_ATTACKS.keys())
def test_entity_and_dtd_attacks_are_refused_by_the_parser(xml: str) -> None:
    with pytest.raises(BadPayload):
        parse_xml(xml.encode("utf-8"))


@pytest.mark.parametrize("xml", ENTITY_ATTACKS.values(), ids=ENTITY_ATTACKS.keys())
def test_entity_attacks_are_refused_with_400_in_plain_and_safe_mode(
    client: TestClient, engine: FakeEngine, xml: str
) -> None:
    plain = client.post("/wechat", params=signed_params(), content=xml.encode())
    # Safe mode: the attack inside a correctly encrypted and signed envelope.
    ts = str(int(time.time()))
    envelope = WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(xml, NONCE, ts)
    encrypt = fromstring(envelope).findtext("Encrypt") or ""
    params = {
        "timestamp": ts,
        "nonce": NONCE,
        "encrypt_type": "aes",
        "msg_signature": signature(TOKEN, ts, NONCE, encrypt),
    }
    body = f"<xml><ToUserName>{OFFICIAL_ACCOUNT}</ToUserName><Encrypt>{encrypt}</Encrypt></xml>"
    safe = client.post("/wechat", params=params, content=body.encode())
    assert (plain.status_code, safe.status_code) == (400, 400)
    assert engine.messages == []


# -- WeChat signatures and replays -------------------------------------------------------

BODY = text_xml("你好", "sig-1", create_time=NOW).encode()


@PURE
@given(sig=st.text(max_size=50), ts=st.text(max_size=15), nonce=st.text(max_size=15))
def test_a_callback_not_signed_with_the_accounts_token_is_refused(
    sig: str, ts: str, nonce: str
) -> None:
    with pytest.raises(BadSignature):
        _channel().decode({"signature": sig, "timestamp": ts, "nonce": nonce}, BODY)


@PURE
@given(
    age=st.integers(min_value=MAX_CLOCK_SKEW_S + 1, max_value=10**12),
    direction=st.sampled_from([-1, 1]),
)
def test_a_correctly_signed_but_stale_or_future_callback_is_refused(
    age: int, direction: int
) -> None:
    with pytest.raises(BadSignature):
        _channel().decode(_signed(NOW + direction * age), BODY)


@PURE
@given(skew=st.integers(min_value=-MAX_CLOCK_SKEW_S, max_value=MAX_CLOCK_SKEW_S))
def test_a_correctly_signed_callback_within_the_clock_skew_is_accepted(skew: int) -> None:
    message, encrypted = _channel().decode(_signed(NOW + skew), BODY)
    assert message.type == "text" and not encrypted


@pytest.mark.parametrize("timestamp", ["9" * 5000, "-1", "1e9", "now", "0x6a1b2c3d"])
def test_a_signed_but_unreadable_timestamp_is_refused(timestamp: str) -> None:
    with pytest.raises(BadSignature):
        _channel().decode(_signed(timestamp), BODY)


BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


@PURE
@given(
    encrypt=st.one_of(
        st.text(alphabet=BASE64, max_size=120),
        st.binary(max_size=96).map(lambda raw: base64.b64encode(raw).decode()),
    )
)
@example(encrypt="")  # IndexError in wechatpy before the fix
@example(encrypt="51mW3iCaYKqG6YeKm48PPA==")  # one block of noise: struct.error before the fix
def test_safe_mode_noise_with_a_valid_msg_signature_is_refused(encrypt: str) -> None:
    ts = str(NOW)
    params = {
        "timestamp": ts,
        "nonce": NONCE,
        "encrypt_type": "aes",
        "msg_signature": signature(TOKEN, ts, NONCE, encrypt),
    }
    body = f"<xml><ToUserName>x</ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    with pytest.raises((BadPayload, BadSignature)):
        _channel().decode(params, body.encode())


def test_a_replayed_callback_is_answered_once_and_a_late_replay_is_forbidden(
    client: TestClient, engine: FakeEngine
) -> None:
    xml = text_xml("我怀孕了，公司要辞退我", "replay-1", user="oReplay").encode()
    params = signed_params()
    first = client.post("/wechat", params=params, content=xml)
    again = client.post("/wechat", params=params, content=xml)
    late = client.post(
        "/wechat", params=signed_params(int(time.time()) - MAX_CLOCK_SKEW_S - 60), content=xml
    )
    assert (first.status_code, again.status_code, late.status_code) == (200, 200, 403)
    assert reply_content(again.text) == reply_content(first.text)
    assert engine.messages == [("wechat:oReplay", "我怀孕了，公司要辞退我")]


@THROUGH_HTTP
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "signature": st.text(max_size=45),
            "timestamp": st.one_of(st.integers().map(str), st.text(max_size=12)),
            "nonce": st.text(max_size=12),
            "echostr": st.text(max_size=20),
            "encrypt_type": st.sampled_from(["aes", "raw", "", "des"]),
            "msg_signature": st.text(max_size=45),
        },
    )
)
def test_unsigned_callbacks_and_url_checks_are_forbidden_over_http(
    client: TestClient, engine: FakeEngine, params: dict[str, str]
) -> None:
    check = client.get("/wechat", params=params)
    callback = client.post("/wechat", params=params, content=BODY)
    assert (check.status_code, callback.status_code) == (403, 403)
    assert engine.messages == []


# -- WeChat through the gateway ------------------------------------------------------------


@THROUGH_HTTP
@given(text=hostile_text)
def test_any_text_message_gets_a_reply_or_a_400(client: TestClient, text: str) -> None:
    user = _sender("oFuzz")
    xml = text_xml(text.replace("]]>", "]] >"), _sender("m"), user=user)
    response = client.post("/wechat", params=signed_params(), content=xml.encode("utf-8"))
    legal = all(c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff") for c in text)
    assert response.status_code == (200 if legal else 400)


WECHAT_FIELDS = [
    "Content",
    "Recognition",
    "Event",
    "EventKey",
    "Location_X",
    "Location_Y",
    "Scale",
    "Label",
    "PicUrl",
    "MediaId",
    "Format",
    "Title",
    "Description",
    "Url",
    "CreateTime",
    "MsgId",
    "Latitude",
    "FromUserName",  # a second one: xmltodict makes the two a list
    "MsgType",
]
MSG_TYPES = ["text", "voice", "image", "video", "shortvideo", "location", "link", "event", "file"]
ELEMENTS = ["<a>x</a>", "<a/>", "<a><b>y</b></a>", "<a>1</a><a>2</a>"]  # wechatpy: a dict


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]] >") + "]]>"


@THROUGH_HTTP
@given(
    msg_type=st.one_of(st.sampled_from(MSG_TYPES), xml_text).map(_cdata),
    fields=st.dictionaries(
        st.sampled_from(WECHAT_FIELDS),
        st.one_of(
            xml_text.map(_cdata),
            st.integers().map(str),
            st.sampled_from(["subscribe", "CLICK", "BOOK", "unsubscribe", "VIEW", "LOCATION"]),
            st.sampled_from(ELEMENTS),
        ),
        max_size=6,
    ),
)
@example(msg_type="text", fields={"Content": "<a>x</a>"})  # a dict where text belongs: a 500
@example(msg_type="", fields={})  # wechatpy lower-cases None: AttributeError, a 500
def test_any_message_type_with_any_fields_gets_a_reply_or_a_400(
    client: TestClient, msg_type: str, fields: dict[str, str]
) -> None:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    xml = (
        f"<xml><ToUserName>{OFFICIAL_ACCOUNT}</ToUserName>"
        f"<FromUserName>{_sender('oKind')}</FromUserName>"
        f"<MsgType>{msg_type}</MsgType>{inner}</xml>"
    )
    response = client.post("/wechat", params=signed_params(), content=xml.encode("utf-8"))
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(
            "<xml><FromUserName>oA</FromUserName><MsgType>text</MsgType>"
            "<Content><a>x</a></Content><MsgId>e-1</MsgId></xml>",
            id="content-holds-elements",
        ),
        pytest.param(
            "<xml><FromUserName><a>../../status</a></FromUserName><MsgType>text</MsgType>"
            "<Content>hi</Content><MsgId>e-2</MsgId></xml>",
            id="sender-holds-elements",
        ),
        pytest.param(
            "<xml><FromUserName>oA</FromUserName><FromUserName>oB</FromUserName>"
            "<MsgType>text</MsgType><Content>hi</Content><MsgId>e-3</MsgId></xml>",
            id="two-senders",
        ),
        pytest.param(
            "<xml><FromUserName>oA</FromUserName><MsgType>voice</MsgType>"
            "<Recognition><b/></Recognition><MsgId>e-4</MsgId></xml>",
            id="recognition-holds-elements",
        ),
        pytest.param(
            "<xml><FromUserName>oA</FromUserName><MsgType>text</MsgType><Content>"
            + "<a>" * 5000
            + "x"
            + "</a>" * 5000
            + "</Content></xml>",
            id="nested-5000-deep",
        ),
    ],
)
def test_a_field_holding_elements_is_a_400(
    client: TestClient, engine: FakeEngine, xml: str
) -> None:
    response = client.post("/wechat", params=signed_params(), content=xml.encode())
    assert response.status_code == 400
    assert engine.messages == []


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
    worker = f"web-{next(_senders):020d}"
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
    body = f'{{"user_id": "{_sender("odd-")}", "text": {text}}}'.encode()
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
    xml = text_xml(text, _sender("odd-"), user=_sender("oOdd"))
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
