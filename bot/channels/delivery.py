"""Send messages to a worker after her request was answered: through her own channel.

Used for the operator's replies in a handed-off conversation and for answers that took the
engine longer than WeChat waits. Each channel registers how it pushes a message: WeChat's
customer-service message API, Telegram's ``sendMessage``, or an outbox in Redis that the
web chat page collects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Protocol

import redis.asyncio as aioredis

from bot.channels.errors import DeliveryError
from bot.conversation import Button, Reply

__all__ = ["Deliverer", "Deliveries", "Outbox"]

OUTBOX_TTL_S = 24 * 3600
OUTBOX_MAX = 100


class Deliverer(Protocol):
    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> None:
        """Push ``replies`` to the worker ``user_id``; raise ``DeliveryError`` on failure."""


def reply_to_dict(reply: Reply) -> dict[str, object]:
    return {
        "text": reply.text,
        "citations": list(reply.citations),
        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
    }


def reply_from_dict(data: dict[str, object]) -> Reply:
    buttons = data.get("buttons") or []
    citations = data.get("citations") or []
    return Reply(
        text=str(data.get("text", "")),
        citations=[str(c) for c in citations] if isinstance(citations, list) else [],
        buttons=[Button(title=str(b["title"]), payload=str(b["payload"])) for b in buttons]
        if isinstance(buttons, list)
        else [],
    )


class Outbox:
    """Messages waiting for a client that polls (the web chat page, the JSON API)."""

    def __init__(self, redis_client: aioredis.Redis, channel: str) -> None:
        self._redis = redis_client
        self._channel = channel

    def _key(self, user_id: str) -> str:
        return f"outbox:{self._channel}:{user_id}"

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> None:
        if not replies:
            return
        key = self._key(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            for reply in replies:
                pipe.rpush(key, json.dumps(reply_to_dict(reply), ensure_ascii=False))
            pipe.ltrim(key, -OUTBOX_MAX, -1)
            pipe.expire(key, OUTBOX_TTL_S)
            await pipe.execute()

    async def drain(self, user_id: str) -> list[Reply]:
        """Everything waiting for ``user_id``, oldest first; each message is taken once."""
        key = self._key(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            raw, _ = await pipe.execute()
        return [reply_from_dict(json.loads(item)) for item in raw]


class Deliveries:
    """Which deliverer serves which channel."""

    def __init__(self) -> None:
        self._by_channel: dict[str, Deliverer] = {}

    def register(self, channel: str, deliverer: Deliverer) -> None:
        self._by_channel[channel] = deliverer

    def supports(self, channel: str) -> bool:
        return channel in self._by_channel

    async def deliver(self, channel: str, user_id: str, replies: Sequence[Reply]) -> None:
        deliverer = self._by_channel.get(channel)
        if deliverer is None:
            raise DeliveryError(f"no way to push messages to channel {channel!r}")
        await deliverer.deliver(user_id, replies)
