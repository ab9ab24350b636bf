"""The WeChat official-account channel (``GET/POST /wechat``), with wechatpy.

- Every request is signed by WeChat: ``signature`` (plain mode) or ``msg_signature`` over the
  encrypted body (safe mode, AES with the EncodingAESKey). A bad or stale signature is 403.
- XML is checked with defusedxml (no DTD, no entities) before wechatpy parses it.
- WeChat waits 5 s for an answer, then re-sends the message up to three times. A retry is
  recognised by MsgId (FromUserName + CreateTime for events) and answered once.
- When the engine needs more than the reply budget (~4 s), the worker gets a short holding
  reply and the real answer follows through the customer-service message API.
- Texts longer than WeChat's limit are split: the first part now, the rest when she replies
  "继续" (or pushed at once when the answer was deferred).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
import redis.exceptions
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from fastapi import APIRouter, Request, Response
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.delivery import Deliveries
from bot.channels.errors import BadPayload, BadSignature, ChannelNotConfigured, DeliveryError
from bot.channels.ledger import MessageLedger, Outcome
from bot.channels.relay import Relay
from bot.channels.text import render_plain, split_bytes
from bot.channels.wechat_api import WECHAT_TEXT_LIMIT_BYTES
from bot.conversation import ENGINE_DOWN_TEXT, IncomingMessage, Reply
from bot.engine.gate import Urgency, current_urgency

__all__ = ["Inbound", "WeChatChannel", "classify", "parse_xml", "router"]

log = logging.getLogger(__name__)

CHANNEL = "wechat"
MAX_BODY_BYTES = 64 * 1024
MAX_CLOCK_SKEW_S = 300
PAGE_BYTES = WECHAT_TEXT_LIMIT_BYTES - 100
MORE_WORDS = frozenset({"继续", "更多", "下一页", "继续看"})
PAGES_TTL_S = 24 * 3600

HOLDING_TEXT = "正在为您查询，请稍候，答复马上发给您。"
HOLDING_TEXT_NO_PUSH = "正在为您查询，请过几秒回复“继续”查看答复。"
NOTHING_MORE_TEXT = "没有更多内容了。请继续说说您的问题。"
VOICE_UNCLEAR_TEXT = (
    "抱歉，这条语音我没有听清。请用文字再说一遍；着急的话可以拨打12338妇女维权热线。"
)
IMAGE_TEXT = (
    "收到您发的图片。我目前只能看懂文字，请用文字简单说说您遇到的情况。"
    "图片、聊天记录、通知书等请保存好，咨询律师或申请仲裁时都是重要证据。"
)
VIDEO_TEXT = (
    "收到您发的视频。我目前只能看懂文字，请用文字简单说说您遇到的情况；视频请保存好，可作为证据。"
)
LOCATION_TEXT = (
    "收到您的位置。请用文字告诉我您遇到的问题；想找附近的维权工作站，可以回复“预约接待”。"
)
LINK_TEXT = "收到您分享的链接。我无法打开链接，请用文字说说您想了解的问题。"
UNKNOWN_TEXT = "抱歉，这类消息我暂时无法处理。请用文字描述您的问题，或者回复“转人工”。"

# Menu keys (see wechat_api.MENU) → what the worker is taken to mean.
MENU_PAYLOADS = {
    "RIGHTS_QA": "/greet",
    "BOOK": "/book_appointment",
    "MY_BOOKINGS": "/query_appointment",
    "HUMAN": "/human_handoff",
}


@dataclass(frozen=True)
class Inbound:
    """A WeChat message reduced to what the assistant needs.

    ``text`` goes to the assistant; ``reply`` is a fixed answer that needs no engine; both
    None means nothing to answer (e.g. unsubscribe).
    """

    user_id: str
    key: str
    text: str | None = None
    reply: str | None = None


def parse_xml(body: bytes) -> dict[str, str]:
    """The top-level fields of a WeChat XML body, refusing DTDs and entities.

    Why defusedxml first: an entity declaration (billion laughs, external entities) must
    be refused before any parser expands it.
    """
    if len(body) > MAX_BODY_BYTES:
        raise BadPayload("body too large")
    try:
        root = safe_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise BadPayload(f"unreadable XML: {type(error).__name__}") from error
    if root.tag != "xml":
        raise BadPayload("root element is not <xml>")
    return {child.tag: (child.text or "") for child in root}


def _text(value: object) -> str:
    """A field's text. wechatpy hands a field holding elements over as a dict: not a message
    (and never an id to put in a conversation's URL); the TypeError makes it a BadPayload."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("a text field holds elements")
    return value


def classify(message: BaseMessage) -> Inbound:
    """What to do with one parsed WeChat message or event."""
    raw = getattr(message, "_data", {})  # the fields as received, before wechatpy converts them
    user = _text(raw.get("FromUserName"))
    msg_id = _text(raw.get("MsgId"))
    key = msg_id or f"{user}:{_text(raw.get('CreateTime'))}"
    kind = message.type
    if kind == "text":
        return Inbound(user, key, text=_text(message.content) or None)
    if kind == "voice":
        recognition = _text(getattr(message, "recognition", None)).strip()
        return (
            Inbound(user, key, text=recognition)
            if recognition
            else Inbound(user, key, reply=VOICE_UNCLEAR_TEXT)
        )
    if kind == "image":
        return Inbound(user, key, reply=IMAGE_TEXT)
    if kind in ("video", "shortvideo"):
        return Inbound(user, key, reply=VIDEO_TEXT)
    if kind == "location":
        return Inbound(user, key, reply=LOCATION_TEXT)
    if kind == "link":
        return Inbound(user, key, reply=LINK_TEXT)
    if kind == "event":
        event = str(getattr(message, "event", "")).lower()
        if event in ("subscribe", "subscribe_scan"):
            return Inbound(user, key, text="/greet")
        if event == "click":
            payload = MENU_PAYLOADS.get(str(getattr(message, "key", "")))
            return Inbound(user, key, text=payload) if payload else Inbound(user, key)
        return Inbound(user, key)  # unsubscribe, menu links, location reports: no answer
    return Inbound(user, key, reply=UNKNOWN_TEXT)


class WeChatChannel:
    """Verifies, parses, answers and renders WeChat callbacks."""

    def __init__(
        self,
        *,
        token: str,
        relay: Relay,
        ledger: MessageLedger,
        redis_client: aioredis.Redis,
        deliveries: Deliveries,
        app_id: str | None = None,
        encoding_aes_key: str | None = None,
        budget_s: float = 4.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._token = token
        self._relay = relay
        self._ledger = ledger
        self._redis = redis_client
        self._deliveries = deliveries
        self._crypto = (
            WeChatCrypto(token, encoding_aes_key, app_id or "")
            if encoding_aes_key and app_id
            else None
        )
        self._budget_s = budget_s
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    # -- verification -------------------------------------------------------------

    def _fresh(self, timestamp: str) -> None:
        try:
            age = abs(self._clock() - int(timestamp))
        except ValueError as error:
            raise BadSignature("bad timestamp") from error
        if age > MAX_CLOCK_SKEW_S:
            raise BadSignature("stale timestamp")

    def verify_url(self, params: dict[str, str]) -> str:
        """WeChat's URL check: echo ``echostr`` when the signature is right."""
        self._check_plain(params)
        return params.get("echostr", "")

    def _check_plain(self, params: dict[str, str]) -> None:
        signature, timestamp, nonce = (
            params.get(k, "") for k in ("signature", "timestamp", "nonce")
        )
        if not (signature and timestamp and nonce):
            raise BadSignature("missing signature")
        try:
            check_signature(self._token, signature, timestamp, nonce)
        except InvalidSignatureException as error:
            raise BadSignature("signature mismatch") from error
        self._fresh(timestamp)

    def decode(self, params: dict[str, str], body: bytes) -> tuple[BaseMessage, bool]:
        """Check the signature and return the message and whether it came encrypted."""
        fields = parse_xml(body)
        if params.get("encrypt_type", "raw") == "aes":
            if self._crypto is None:
                raise BadSignature("safe mode is not configured")
            msg_signature, timestamp, nonce = (
                params.get(k, "") for k in ("msg_signature", "timestamp", "nonce")
            )
            if "Encrypt" not in fields or not (msg_signature and timestamp and nonce):
                raise BadSignature("missing msg_signature or Encrypt")
            try:
                plain = self._crypto.decrypt_message(fields, msg_signature, timestamp, nonce)
            except (InvalidSignatureException, InvalidAppIdException) as error:
                raise BadSignature("msg_signature or AppId mismatch") from error
            except (ValueError, UnicodeDecodeError, IndexError, struct.error) as error:
                # wechatpy indexes and unpacks the plaintext unchecked: an empty or short
                # <Encrypt> raises IndexError / struct.error, not a ValueError.
                raise BadPayload("cannot decrypt") from error
            self._fresh(timestamp)
            body, encrypted = plain.encode("utf-8"), True
            fields = parse_xml(body)  # the decrypted XML is checked like the envelope
        else:
            self._check_plain(params)
            encrypted = False
        if "MsgType" not in fields or "FromUserName" not in fields:
            raise BadPayload("not a WeChat message")
        try:
            return parse_message(body.decode("utf-8")), encrypted
        # AttributeError: wechatpy lower-cases MsgType unchecked (empty, nested or repeated).
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise BadPayload("not a WeChat message") from error

    # -- answering ----------------------------------------------------------------

    async def respond(self, params: dict[str, str], body: bytes) -> str:
        """The HTTP body to return to WeChat for one callback."""
        message, encrypted = self.decode(params, body)
        try:
            inbound = classify(message)
        except (ValueError, TypeError) as error:  # a field wechatpy cannot convert
            raise BadPayload("malformed message fields") from error
        if not inbound.user_id:
            raise BadPayload("no sender")
        text = await self._answer_text(inbound)
        if not text:
            return "success"
        reply = TextReply(message=message, content=text).render()
        if encrypted and self._crypto is not None:
            return str(self._crypto.encrypt_message(reply, params.get("nonce", "")))
        return str(reply)

    async def _answer_text(self, inbound: Inbound) -> str | None:
        if inbound.text is None and inbound.reply is None:
            return None
        claim = await self._ledger.claim(CHANNEL, inbound.key)
        if not claim.first:
            outcome = await self._ledger.wait(claim, self._budget_s)
            if outcome is None or outcome.state != "answered" or not outcome.pages:
                return None  # the first copy's answer is on its way
            return outcome.pages[0]
        if inbound.reply is not None:
            await self._ledger.finish(claim, Outcome("answered", [inbound.reply]))
            return inbound.reply
        sender = f"{CHANNEL}:{inbound.user_id}"
        if (inbound.text or "").strip() in MORE_WORDS:
            page = await self._next_page(sender)
            if page is not None:
                await self._ledger.finish(claim, Outcome("answered", [page]))
                return page
        urgency = Urgency()
        token = current_urgency.set(urgency)  # the task copies the context, with it
        try:
            task = asyncio.create_task(self._relay_text(inbound))
        finally:
            current_urgency.reset(token)
        try:
            replies = await asyncio.wait_for(asyncio.shield(task), self._budget_s)
        except TimeoutError:
            urgency.defer()  # she has her holding reply: fresh messages go first now
            pushed = self._deliveries.supports(CHANNEL)
            self._track(asyncio.create_task(self._finish_later(task, inbound, sender, pushed)))
            holding = HOLDING_TEXT if pushed else HOLDING_TEXT_NO_PUSH
            await self._ledger.finish(claim, Outcome("deferred", [holding]))
            return holding
        except Exception:
            await self._ledger.release(claim)
            log.exception("WeChat message could not be answered")
            return ENGINE_DOWN_TEXT
        page = await self._paginate(sender, replies)
        await self._ledger.finish(claim, Outcome("answered", [page] if page else []))
        return page

    async def _relay_text(self, inbound: Inbound) -> list[Reply]:
        result = await self._relay.handle(
            IncomingMessage(
                channel=CHANNEL,
                user_id=inbound.user_id,
                text=inbound.text or "",
                # No id: the ledger above already answers each MsgId once, across
                # processes; a second cache of the same turn cost two Redis round trips.
                message_id=None,
            )
        )
        return result.replies

    async def _finish_later(
        self, task: asyncio.Task[list[Reply]], inbound: Inbound, sender: str, pushed: bool
    ) -> None:
        """The answer that missed the reply budget: push it, or keep it for "继续"."""
        try:
            replies = await task
        except Exception:
            log.exception("deferred WeChat answer failed")
            replies = [Reply(text=ENGINE_DOWN_TEXT)]
        if not replies:
            return
        if pushed:
            try:
                await self._deliveries.deliver(CHANNEL, inbound.user_id, replies)
                return
            except DeliveryError as error:
                log.warning("deferred WeChat answer not pushed: %s", error)
        pages = split_bytes(render_plain(replies), PAGE_BYTES)
        await self._store_pages(sender, pages)

    async def _paginate(self, sender: str, replies: list[Reply]) -> str | None:
        text = render_plain(replies)
        if not text:
            return None
        pages = split_bytes(text, PAGE_BYTES)
        await self._store_pages(sender, pages[1:])
        return _with_footer(pages[0], len(pages) - 1)

    async def _store_pages(self, sender: str, pages: list[str]) -> None:
        key = f"wechat:pages:{sender}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(key)
                if pages:
                    pipe.rpush(key, *pages)
                    pipe.expire(key, PAGES_TTL_S)
                await pipe.execute()
        except redis.exceptions.RedisError as error:
            log.warning("page store unavailable: %s", type(error).__name__)

    async def _next_page(self, sender: str) -> str | None:
        key = f"wechat:pages:{sender}"
        try:
            page = await self._redis.lpop(key)
            left = await self._redis.llen(key)
        except redis.exceptions.RedisError as error:
            log.warning("page store unavailable: %s", type(error).__name__)
            return None
        return _with_footer(str(page), int(left)) if page else None

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self, timeout_s: float = 10.0) -> None:
        """Let deferred answers finish (bounded) before the process stops."""
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                pending = asyncio.gather(*self._tasks, return_exceptions=True)
                await asyncio.wait_for(pending, timeout_s)


def _with_footer(page: str, left: int) -> str:
    if left <= 0:
        return page
    return f"{page}\n\n（内容较长，还有{left}部分，回复“继续”查看）"


# -- HTTP ----------------------------------------------------------------------------

router = APIRouter(tags=["channels"])


def _channel(request: Request) -> WeChatChannel:
    channels = getattr(request.app.state, "channels", None)
    channel: WeChatChannel | None = getattr(channels, "wechat", None)
    if channel is None:
        raise ChannelNotConfigured("WECHAT_TOKEN is not set")
    return channel


@router.get("/wechat", include_in_schema=True, summary="WeChat URL check")
async def wechat_check(request: Request) -> Response:
    """WeChat's server-address check: echoes ``echostr`` when the signature is right."""
    try:
        echo = _channel(request).verify_url(dict(request.query_params))
    except ChannelNotConfigured:
        return Response(status_code=404)
    except BadSignature:
        return Response("forbidden", status_code=403, media_type="text/plain")
    return Response(echo, media_type="text/plain")


@router.post("/wechat", summary="WeChat official-account callback")
async def wechat_callback(request: Request) -> Response:
    """One message or event from WeChat; the answer is a passive reply in XML."""
    try:
        channel = _channel(request)
        body = await request.body()
        answer = await channel.respond(dict(request.query_params), body)
    except ChannelNotConfigured:
        return Response(status_code=404)
    except BadSignature:
        return Response("forbidden", status_code=403, media_type="text/plain")
    except BadPayload:
        return Response("bad request", status_code=400, media_type="text/plain")
    media = "text/plain" if answer == "success" else "application/xml"
    return Response(answer, media_type=media)
