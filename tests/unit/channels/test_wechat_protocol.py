"""The WeChat callback as WeChat's servers use it: signatures, message types, safe mode."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.unit.channels.fakes import ART_42, FakeEngine, FakeWeChatApi
from tests.unit.channels.wechat_support import (
    decrypt_reply,
    encrypted,
    event_xml,
    message_xml,
    reply_content,
    signed_params,
    text_xml,
)

# WeChat's official WXBizMsgCrypt sample (copied from shared/reference/).
SAMPLE = json.loads(
    (Path(__file__).parent / "data" / "wechat_safe_mode_sample.json").read_text(encoding="utf-8")
)


def post(client: TestClient, xml: str, params: dict[str, str] | None = None) -> tuple[int, str]:
    response = client.post(
        "/wechat",
        params=signed_params() if params is None else params,
        content=xml.encode(),
        headers={"Content-Type": "text/xml"},
    )
    return response.status_code, response.text


def test_url_check_echoes_echostr_when_signed(client: TestClient) -> None:
    response = client.get("/wechat", params={**signed_params(), "echostr": "e-12345"})
    assert response.status_code == 200
    assert response.text == "e-12345"


def test_url_check_with_a_wrong_signature_is_forbidden(client: TestClient) -> None:
    params = {**signed_params(), "echostr": "e-12345", "signature": "0" * 40}
    assert client.get("/wechat", params=params).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="no-signature"),
        pytest.param({**signed_params(), "signature": "f" * 40}, id="wrong-signature"),
        pytest.param(signed_params(token="another-token"), id="other-accounts-token"),
        pytest.param(signed_params(timestamp=int(time.time()) - 3600), id="replayed-hour-old"),
    ],
)
def test_unsigned_or_replayed_callbacks_are_forbidden(
    client: TestClient, engine: FakeEngine, params: dict[str, str]
) -> None:
    status, _ = post(client, text_xml("你好", "1001"), params)
    assert status == 403
    assert engine.messages == []


def test_a_text_message_is_answered_with_a_passive_reply(
    client: TestClient, engine: FakeEngine
) -> None:
    status, body = post(client, text_xml("我怀孕了，公司要辞退我", "6054768590064713728"))
    assert status == 200
    assert "<ToUserName><![CDATA[oWorker1]]></ToUserName>" in body
    assert ART_42 in reply_content(body)
    assert engine.messages == [("wechat:oWorker1", "我怀孕了，公司要辞退我")]


def test_a_retried_message_is_answered_once_with_the_same_reply(
    client: TestClient, engine: FakeEngine
) -> None:
    xml = text_xml("我怀孕了，公司要辞退我", "6054768590064713729")
    first = post(client, xml)
    second = post(client, xml)
    assert first[0] == second[0] == 200
    assert reply_content(first[1]) == reply_content(second[1])
    assert len(engine.messages) == 1


def test_retries_of_an_event_are_recognised_by_sender_and_time(
    client: TestClient, engine: FakeEngine
) -> None:
    xml = event_xml("subscribe", created=1700000000)
    first, second = post(client, xml), post(client, xml)
    assert reply_content(first[1]) == reply_content(second[1])
    assert engine.messages == [("wechat:oWorker1", "/greet")]


def test_concurrent_retries_reach_the_engine_once(client: TestClient, engine: FakeEngine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine.delay_s = 0.3
    xml = text_xml("我怀孕了，公司要辞退我", "6054768590064713730")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: post(client, xml), range(4)))
    assert len(engine.messages) == 1
    contents = {reply_content(body) for status, body in results if body != "success"}
    assert all(status == 200 for status, _ in results)
    assert len(contents) == 1 and ART_42 in contents.pop()


def test_subscribing_greets_with_numbered_choices(client: TestClient) -> None:
    _, body = post(client, event_xml("subscribe"))
    content = reply_content(body)
    assert "回复数字选择" in content
    assert "1. 怀孕被辞退" in content and "3. 转人工" in content


def test_a_digit_picks_the_numbered_choice(client: TestClient, engine: FakeEngine) -> None:
    post(client, event_xml("subscribe"))
    _, body = post(client, text_xml("1", "1002"))
    assert engine.messages[-1] == ("wechat:oWorker1", "/three_period_dismissal")
    assert ART_42 in reply_content(body)


def test_unsubscribe_gets_no_reply(client: TestClient, engine: FakeEngine) -> None:
    status, body = post(client, event_xml("unsubscribe"))
    assert (status, body) == (200, "success")
    assert engine.messages == []


@pytest.mark.parametrize(
    ("key", "payload"),
    [
        pytest.param("RIGHTS_QA", "/greet", id="rights-questions"),
        pytest.param("BOOK", "/book_appointment", id="book"),
        pytest.param("MY_BOOKINGS", "/query_appointment", id="my-bookings"),
        pytest.param("HUMAN", "/human_handoff", id="human"),
    ],
)
def test_menu_clicks_start_their_conversation(
    client: TestClient, engine: FakeEngine, key: str, payload: str
) -> None:
    status, _ = post(client, event_xml("CLICK", key=key))
    assert status == 200
    assert engine.messages == [("wechat:oWorker1", payload)]


def test_voice_uses_wechats_recognition_text(client: TestClient, engine: FakeEngine) -> None:
    xml = message_xml(
        "voice",
        {"MediaId": "media-1", "Format": "amr", "Recognition": "我怀孕了公司要辞退我"},
        "1003",
    )
    _, body = post(client, xml)
    assert engine.messages == [("wechat:oWorker1", "我怀孕了公司要辞退我")]
    assert ART_42 in reply_content(body)


@pytest.mark.parametrize(
    ("msg_type", "fields", "expected"),
    [
        pytest.param(
            "voice", {"MediaId": "m", "Format": "amr"}, "没有听清", id="voice-unrecognised"
        ),
        pytest.param("image", {"PicUrl": "http://x/p.jpg", "MediaId": "m"}, "图片", id="image"),
        pytest.param(
            "location",
            {"Location_X": "36.6", "Location_Y": "117.0", "Scale": "15", "Label": "济南市"},
            "位置",
            id="location",
        ),
        pytest.param(
            "link", {"Title": "t", "Description": "d", "Url": "http://x"}, "链接", id="link"
        ),
        pytest.param("miniprogrampage", {"Title": "t"}, "暂时无法处理", id="unknown-type"),
    ],
)
def test_other_message_types_are_answered_politely_without_the_engine(
    client: TestClient, engine: FakeEngine, msg_type: str, fields: dict[str, str], expected: str
) -> None:
    status, body = post(client, message_xml(msg_type, fields, str(2000 + len(msg_type))))
    assert status == 200
    assert expected in reply_content(body)
    assert engine.messages == []


def test_long_answers_are_split_to_wechats_limit_and_continued_on_request(
    client: TestClient, engine: FakeEngine
) -> None:
    _, first = post(client, text_xml("长答案", "1004"))
    first_text = reply_content(first)
    assert len(first_text.encode("utf-8")) <= 2048
    assert "回复“继续”" in first_text
    pages = [first_text]
    for number in range(10):
        _, body = post(client, text_xml("继续", str(1100 + number)))
        pages.append(reply_content(body))
        if "回复“继续”" not in pages[-1]:
            break
    assert all(len(p.encode("utf-8")) <= 2048 for p in pages)
    assert "第60段" in pages[-1]
    assert len(engine.messages) == 1  # "继续" never reached the engine


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType>"
            "<Content>&b;</Content><CreateTime>1</CreateTime><MsgId>1</MsgId></xml>",
            id="entity-expansion",
        ),
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType>"
            "<Content>&x;</Content><CreateTime>1</CreateTime><MsgId>2</MsgId></xml>",
            id="external-entity",
        ),
        pytest.param("<xml><FromUserName>u</Content></xml>", id="malformed"),
        pytest.param("<html><body>hi</body></html>", id="not-wechat-xml"),
    ],
)
def test_unsafe_or_malformed_xml_is_refused(
    client: TestClient, engine: FakeEngine, xml: str
) -> None:
    status, _ = post(client, xml)
    assert status == 400
    assert engine.messages == []


def test_safe_mode_message_is_decrypted_and_the_reply_encrypted(
    client: TestClient, engine: FakeEngine
) -> None:
    params, body = encrypted(text_xml("我怀孕了，公司要辞退我", "1005"))
    response = client.post("/wechat", params=params, content=body.encode())
    assert response.status_code == 200
    assert "<Encrypt>" in response.text and ART_42 not in response.text
    reply = decrypt_reply(response.text, params)
    assert ART_42 in reply_content(reply)
    assert engine.messages == [("wechat:oWorker1", "我怀孕了，公司要辞退我")]


def test_safe_mode_with_a_wrong_msg_signature_is_forbidden(
    client: TestClient, engine: FakeEngine
) -> None:
    params, body = encrypted(text_xml("你好", "1006"))
    params["msg_signature"] = "0" * 40
    assert client.post("/wechat", params=params, content=body.encode()).status_code == 403
    assert engine.messages == []


def test_wechats_published_safe_mode_sample_decrypts(client: TestClient) -> None:
    from bot.channels.wechat import WeChatChannel

    channel: WeChatChannel = client.app.state.channels.wechat  # type: ignore[attr-defined]
    official = WeChatChannel(
        token=SAMPLE["token"],
        app_id=SAMPLE["appid"],
        encoding_aes_key=SAMPLE["encoding_aes_key"],
        relay=channel._relay,
        ledger=channel._ledger,
        redis_client=channel._redis,
        deliveries=channel._deliveries,
        clock=lambda: float(SAMPLE["timestamp"]),
    )
    params = {
        "encrypt_type": "aes",
        "msg_signature": SAMPLE["msg_signature"],
        "timestamp": SAMPLE["timestamp"],
        "nonce": SAMPLE["nonce"],
    }
    message, was_encrypted = official.decode(params, SAMPLE["from_xml"].encode())
    assert was_encrypted
    assert (message.type, message.content) == ("text", "abcdteT")
    assert message.source == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    tampered = {**params, "msg_signature": SAMPLE["msg_signature"][:-1] + "0"}
    from bot.channels.errors import BadSignature

    with pytest.raises(BadSignature):
        official.decode(tampered, SAMPLE["from_xml"].encode())


def test_a_slow_answer_gets_a_holding_reply_then_follows_by_customer_service_message(
    client: TestClient, engine: FakeEngine, wechat_api: FakeWeChatApi
) -> None:
    engine.delay_s = 1.6  # the reply budget in these tests is 1.0 s
    started = time.monotonic()
    status, body = post(client, text_xml("我怀孕了，公司要辞退我", "1007"))
    assert status == 200 and time.monotonic() - started < 1.5
    assert "正在为您查询" in reply_content(body)
    deadline = time.monotonic() + 5
    while not wechat_api.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wechat_api.sent, "the real answer was not pushed"
    pushed = wechat_api.sent[0]
    assert pushed["touser"] == "oWorker1" and pushed["msgtype"] == "text"
    assert ART_42 in pushed["text"]["content"]
    # A retry that arrives now is not answered again, and the engine saw the message once.
    assert post(client, text_xml("我怀孕了，公司要辞退我", "1007")) == (200, "success")
    assert len(engine.messages) == 1


def test_the_access_token_is_fetched_once_and_reused(
    client: TestClient, engine: FakeEngine, wechat_api: FakeWeChatApi
) -> None:
    import asyncio

    api = client.app.state.channels.wechat_api  # type: ignore[attr-defined]
    client.portal.call(api.send_texts, "oWorker1", ["一", "二"])  # type: ignore[union-attr]
    assert wechat_api.token_fetches == 1
    assert [m["text"]["content"] for m in wechat_api.sent] == ["一", "二"]
    del asyncio
