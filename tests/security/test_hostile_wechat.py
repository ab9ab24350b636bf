"""Hostile input against the WeChat callback: XML, entity attacks, signatures, replays.

Hypothesis generates the input. Each property says what must happen whatever arrives: the
parser's own documented error or a 4xx — never a 500, an uncaught exception, or an entity
expanded. The ``@example`` cases are inputs that did crash before their fix.
"""

from __future__ import annotations

import base64
import contextlib
import time

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto  # type: ignore[import-untyped]

from bot.channels.errors import BadPayload, BadSignature
from bot.channels.wechat import MAX_CLOCK_SKEW_S, parse_xml
from tests.security.hostile import (
    NOW,
    PURE,
    THROUGH_HTTP,
    channel,
    hostile_text,
    sender,
    signed,
    xml_text,
)
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
        channel().decode({"signature": sig, "timestamp": ts, "nonce": nonce}, BODY)


@PURE
@given(
    age=st.integers(min_value=MAX_CLOCK_SKEW_S + 1, max_value=10**12),
    direction=st.sampled_from([-1, 1]),
)
def test_a_correctly_signed_but_stale_or_future_callback_is_refused(
    age: int, direction: int
) -> None:
    with pytest.raises(BadSignature):
        channel().decode(signed(NOW + direction * age), BODY)


@PURE
@given(skew=st.integers(min_value=-MAX_CLOCK_SKEW_S, max_value=MAX_CLOCK_SKEW_S))
def test_a_correctly_signed_callback_within_the_clock_skew_is_accepted(skew: int) -> None:
    message, encrypted = channel().decode(signed(NOW + skew), BODY)
    assert message.type == "text" and not encrypted


@pytest.mark.parametrize("timestamp", ["9" * 5000, "-1", "1e9", "now", "0x6a1b2c3d"])
def test_a_signed_but_unreadable_timestamp_is_refused(timestamp: str) -> None:
    with pytest.raises(BadSignature):
        channel().decode(signed(timestamp), BODY)


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
        channel().decode(params, body.encode())


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
    user = sender("oFuzz")
    xml = text_xml(text.replace("]]>", "]] >"), sender("m"), user=user)
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
        f"<FromUserName>{sender('oKind')}</FromUserName>"
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
