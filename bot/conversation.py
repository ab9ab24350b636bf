"""One internal message type for every channel, and one turn through the engine.

Channels (WeChat, Telegram, web chat, CLI) turn their platform's message into an
``IncomingMessage`` and render the ``Turn`` back. They hold no business logic; this module
holds the little there is between a channel and the engine: identity, idempotency, the
shape of replies, and what to say when the engine cannot answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions

from bot.engine.client import EngineBusyError, EngineClient, EngineError, EngineUnavailable

__all__ = [
    "ENGINE_DOWN_TEXT",
    "Button",
    "ConversationService",
    "IncomingMessage",
    "Reply",
    "Turn",
]

log = logging.getLogger(__name__)

ENGINE_DOWN_TEXT = (
    "抱歉，智能助手暂时无法回答。您可以直接拨打：12333（人社劳动保障咨询、投诉）、"
    "12338（妇联妇女维权）、12351（工会职工维权）、12348（法律援助）。请稍后再试。"
)
IDEMPOTENCY_TTL_S = 600


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    citations: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


@dataclass(frozen=True)
class IncomingMessage:
    """A worker's (or operator's) message, independent of the channel it came from.

    ``channel`` + ``user_id`` is the worker's identity: the same pair always continues
    the same conversation.
    """

    channel: str
    user_id: str
    text: str
    message_id: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)

    @property
    def sender_id(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(frozen=True)
class Turn:
    """What the assistant understood and answered for one message."""

    intent: str | None
    confidence: float | None
    entities: list[dict[str, Any]]
    replies: list[Reply]
    degraded: bool = False
    handoff: str | None = None  # why the engine handed the conversation to a person

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        replies = [
            Reply(
                text=r["text"],
                citations=list(r.get("citations", [])),
                buttons=[Button(**b) for b in r.get("buttons", [])],
            )
            for r in data["replies"]
        ]
        return cls(
            intent=data.get("intent"),
            confidence=data.get("confidence"),
            entities=list(data.get("entities", [])),
            replies=replies,
            degraded=bool(data.get("degraded", False)),
            handoff=data.get("handoff"),
        )


def replies_from_engine(messages: list[dict[str, Any]]) -> list[Reply]:
    """Turn Rasa REST-channel messages into replies; citations travel in ``custom``."""
    replies: list[Reply] = []
    for message in messages:
        custom = message.get("custom") or {}
        text = message.get("text") or custom.get("text") or ""
        if not text:
            continue
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in message.get("buttons") or custom.get("buttons") or []
        ]
        citations = [str(c) for c in custom.get("citations", [])]
        replies.append(Reply(text=text, citations=citations, buttons=buttons))
    return replies


def handoff_from_engine(messages: list[dict[str, Any]]) -> str | None:
    """The reason the engine handed the conversation to a person (``custom.handoff``), if it did."""
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("handoff"):
            return str(custom["handoff"])
    return None


RETRIEVAL_INTRO = "智能助手暂时不能完整回答，先把和您的问题最相关的规定告诉您："
# The first search after a gateway starts builds the index (~2 s of CPU, more on a busy
# machine). WeChat waits 5 s in all: past this the hotline numbers go out alone, and the
# index, still being built in its thread, serves the next worker.
RETRIEVAL_BUDGET_S = 2.0


def retrieval_replies(text: str) -> list[Reply]:
    """The best-matching answer from the knowledge base, found without the engine.

    Why: when the engine is down, a worker should still get the rule most relevant to her
    words (with its citation), not only a list of phone numbers. Any failure here yields
    no reply, so the hotline numbers that follow are always sent.
    """
    # Imported here: the index pulls in jieba and bm25s, which every CLI command would
    # otherwise pay for at start-up although only an engine outage needs them.
    from knowledge.render import render_answer
    from knowledge.retrieval import search

    try:
        hits = search(text, kind="answer", limit=1)
        if not hits:
            return []
        answer = render_answer(hits[0].id)
    except Exception as error:  # the fallback must never turn an outage into an error
        log.warning("retrieval fallback failed: %s", type(error).__name__)
        return []
    return [
        Reply(
            text=f"{RETRIEVAL_INTRO}{answer.short}",
            citations=answer.short_citations,
        )
    ]


MAX_RETRIEVALS_AT_ONCE = 2
_retrievals_running = 0


async def _retrieval_in_time(text: str) -> list[Reply]:
    """``retrieval_replies``, or nothing if it takes longer than ``RETRIEVAL_BUDGET_S``.

    At most ``MAX_RETRIEVALS_AT_ONCE`` run at a time: in an outage at full traffic every
    message would search in a thread of this process, and those threads would take the
    CPU (and the GIL) from the replies with a deadline. The others get the numbers alone.
    """
    global _retrievals_running
    if _retrievals_running >= MAX_RETRIEVALS_AT_ONCE:
        return []
    _retrievals_running += 1
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(retrieval_replies, text), timeout=RETRIEVAL_BUDGET_S
        )
    except TimeoutError:
        log.warning("retrieval fallback too slow; hotline numbers only")
        return []
    finally:
        _retrievals_running -= 1


def _public_entities(latest: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("entity", "value", "role", "start", "end", "extractor")
    return [
        {k: e[k] for k in keep if k in e and e[k] is not None} for e in latest.get("entities", [])
    ]


class ConversationService:
    """Carries one incoming message through the engine and back, at most once."""

    def __init__(self, engine: EngineClient, redis_client: aioredis.Redis) -> None:
        self._engine = engine
        self._redis = redis_client

    async def handle(self, message: IncomingMessage, *, with_parse: bool = False) -> Turn:
        """Answer one message. A repeated ``message_id`` returns the first answer again.

        Why idempotency here: channels retry (WeChat re-sends after 5 s); the worker must
        get one answer and the engine must see the message once.
        """
        key = f"turn:{message.sender_id}:{message.message_id}" if message.message_id else None
        if key:
            cached = await self._cache_get(key)
            if cached is not None:
                return Turn.from_dict(cached)
        turn = await self._ask_engine(message, with_parse=with_parse)
        if key and not turn.degraded:
            await self._cache_set(key, turn.to_dict())
        return turn

    async def _ask_engine(self, message: IncomingMessage, *, with_parse: bool) -> Turn:
        # NUL cannot be stored in PostgreSQL text (the engine's tracker store would fail
        # the turn); nothing a worker means is lost with it.
        if "\x00" in message.text:
            message = replace(message, text=message.text.replace("\x00", ""))
        try:
            if message.slots:
                await self._engine.set_slots(message.sender_id, message.slots)
            engine_messages = await self._engine.send(message.sender_id, message.text)
            if not engine_messages:
                # Rasa's REST channel answers 200 with an empty list when the turn failed
                # inside the engine (its tracker or lock store, or an action, raised);
                # every turn of this assistant says something when it works.
                raise EngineError("the engine answered nothing")
            latest = await self._engine.latest_message(message.sender_id) if with_parse else {}
        except (EngineUnavailable, EngineError) as error:
            log.warning("engine failed for channel %s: %s", message.channel, error)
            # Overloaded, not down: searching the rules costs this process CPU that the
            # waiting workers' replies need, so the numbers go alone.
            found = (
                [] if isinstance(error, EngineBusyError) else await _retrieval_in_time(message.text)
            )
            return Turn(
                intent=None,
                confidence=None,
                entities=[],
                replies=[*found, Reply(text=ENGINE_DOWN_TEXT)],
                degraded=True,
            )
        intent = latest.get("intent") or {}
        return Turn(
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
            entities=_public_entities(latest),
            replies=replies_from_engine(engine_messages),
            handoff=handoff_from_engine(engine_messages),
        )

    async def _cache_get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = await self._redis.get(key)
        except redis.exceptions.RedisError as error:
            log.warning("idempotency cache unavailable: %s", type(error).__name__)
            return None
        return json.loads(raw) if raw else None

    async def _cache_set(self, key: str, value: dict[str, Any]) -> None:
        try:
            await self._redis.set(key, json.dumps(value, ensure_ascii=False), ex=IDEMPOTENCY_TTL_S)
        except redis.exceptions.RedisError as error:
            log.warning("idempotency cache unavailable: %s", type(error).__name__)
