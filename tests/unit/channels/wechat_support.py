"""Helpers to write WeChat callbacks as WeChat's servers do: signed, plain or encrypted."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from wechatpy.crypto import WeChatCrypto

TOKEN = "hotline-test-token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
NONCE = "1320562132"
OFFICIAL_ACCOUNT = "gh_10f6c3c3ac5a"


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signed_params(timestamp: int | None = None, token: str = TOKEN) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return {"signature": signature(token, ts, NONCE), "timestamp": ts, "nonce": NONCE}


def text_xml(
    content: str, msg_id: str, user: str = "oWorker1", create_time: int | None = None
) -> str:
    created = create_time or int(time.time())
    return (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event: str, user: str = "oWorker1", key: str | None = None, created: int = 0) -> str:
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{created or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    )


def message_xml(msg_type: str, fields: dict[str, str], msg_id: str, user: str = "oWorker1") -> str:
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    return (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
        f"{inner}<MsgId>{msg_id}</MsgId></xml>"
    )


def encrypted(xml: str, timestamp: int | None = None) -> tuple[dict[str, str], str]:
    """Safe mode: the envelope WeChat posts and the query parameters it signs."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    envelope = crypto.encrypt_message(xml, NONCE, ts)
    # encrypt_message renders a reply envelope; WeChat posts <Encrypt> (+ ToUserName).
    from defusedxml.ElementTree import fromstring

    root = fromstring(envelope)
    encrypt = root.findtext("Encrypt") or ""
    body = (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    params = {
        "timestamp": ts,
        "nonce": NONCE,
        "encrypt_type": "aes",
        "msg_signature": signature(TOKEN, ts, NONCE, encrypt),
        "signature": signature(TOKEN, ts, NONCE),
    }
    return params, body


def decrypt_reply(body: str, params: dict[str, str]) -> str:
    from defusedxml.ElementTree import fromstring

    root = fromstring(body)
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    fields: dict[str, Any] = {child.tag: child.text for child in root}
    return str(
        crypto.decrypt_message(fields, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
    )


def reply_content(xml: str) -> str:
    from defusedxml.ElementTree import fromstring

    return fromstring(xml).findtext("Content") or ""
