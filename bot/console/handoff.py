"""The human-handoff desk: conversations waiting for a person, their threads, who is on duty.

A conversation enters the queue when the worker asks for a person or the assistant failed
twice in a row. While an operator is on duty the worker's messages go to the operator, and
the operator's replies go back through the worker's own channel; when the operator closes
the conversation, the assistant answers again. Everything lives in Redis so that every
gateway process sees the same desk.

Redis layout (``{sender}`` is ``channel:user_id``):

- ``handoff:queue``           sorted set of open conversations, scored by when they opened
- ``handoff:conv:{sender}``   hash: channel, user_id, status (waiting|active), reason,
                               opened_at, operator
- ``handoff:thread:{sender}`` list of JSON lines {who, text, at} (worker|operator|assistant|system)
- ``handoff:operators``       sorted set of operator names scored by their last heartbeat
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Literal

import redis.asyncio as aioredis

__all__ = [
    "HANDOFF_REASONS",
    "Handoff",
    "HandoffDesk",
    "ThreadLine",
]

HANDOFF_REASONS = ("asked", "fallback")
PRESENCE_TTL_S = 60
THREAD_MAX = 200
THREAD_TTL_S = 7 * 24 * 3600

Who = Literal["worker", "operator", "assistant", "system"]


@dataclass(frozen=True)
class ThreadLine:
    who: Who
    text: str
    at: float

    def to_dict(self) -> dict[str, object]:
        return {"who": self.who, "text": self.text, "at": self.at}


@dataclass(frozen=True)
class Handoff:
    """One conversation handed to a person."""

    sender_id: str
    channel: str
    user_id: str
    status: Literal["waiting", "active"]
    reason: str
    opened_at: float
    operator: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "sender_id": self.sender_id,
            "channel": self.channel,
            "status": self.status,
            "reason": self.reason,
            "opened_at": self.opened_at,
            "operator": self.operator,
        }


class HandoffDesk:
    """Queue, threads and operator presence, over one Redis connection."""

    QUEUE = "handoff:queue"
    OPERATORS = "handoff:operators"

    def __init__(self, redis_client: aioredis.Redis) -> None:
        self._redis = redis_client

    @staticmethod
    def _conv(sender_id: str) -> str:
        return f"handoff:conv:{sender_id}"

    @staticmethod
    def _thread(sender_id: str) -> str:
        return f"handoff:thread:{sender_id}"

    # -- operators on duty ------------------------------------------------------------

    async def heartbeat(self, operator: str) -> None:
        """An operator's console is open: she counts as on duty for the next minute."""
        await self._redis.zadd(self.OPERATORS, {operator: time.time()})

    async def sign_off(self, operator: str) -> None:
        await self._redis.zrem(self.OPERATORS, operator)

    async def operators_on_duty(self) -> int:
        """How many operators sent a heartbeat within the last minute."""
        now = time.time()
        await self._redis.zremrangebyscore(self.OPERATORS, "-inf", now - PRESENCE_TTL_S)
        return int(await self._redis.zcard(self.OPERATORS))

    # -- conversations ----------------------------------------------------------------

    async def open(
        self, *, channel: str, user_id: str, reason: str, context: list[ThreadLine]
    ) -> tuple[Handoff, bool]:
        """Put a conversation in the queue (once); returns it and whether it is new."""
        sender_id = f"{channel}:{user_id}"
        existing = await self.get(sender_id)
        if existing is not None:
            return existing, False
        now = time.time()
        mapping = {
            "channel": channel,
            "user_id": user_id,
            "status": "waiting",
            "reason": reason,
            "opened_at": repr(now),
            "operator": "",
        }
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._conv(sender_id), mapping=mapping)  # type: ignore[arg-type]
            pipe.expire(self._conv(sender_id), THREAD_TTL_S)
            pipe.zadd(self.QUEUE, {sender_id: now})
            await pipe.execute()
        for line in context:
            await self.append(sender_id, line.who, line.text, at=line.at)
        handoff = Handoff(
            sender_id=sender_id,
            channel=channel,
            user_id=user_id,
            status="waiting",
            reason=reason,
            opened_at=now,
            operator=None,
        )
        return handoff, True

    async def get(self, sender_id: str) -> Handoff | None:
        data = await self._redis.hgetall(self._conv(sender_id))
        if not data:
            return None
        status: Literal["waiting", "active"] = (
            "active" if data.get("status") == "active" else "waiting"
        )
        operator = data.get("operator")
        return Handoff(
            sender_id=sender_id,
            channel=str(data["channel"]),
            user_id=str(data["user_id"]),
            status=status,
            reason=str(data.get("reason", "")),
            opened_at=float(data.get("opened_at", 0)),
            operator=str(operator) if operator else None,
        )

    async def queue(self) -> list[Handoff]:
        """Open conversations, oldest first."""
        senders = await self._redis.zrange(self.QUEUE, 0, -1)
        found = [await self.get(str(sender)) for sender in senders]
        return [h for h in found if h is not None]

    async def claim(self, sender_id: str, operator: str) -> Handoff | None:
        """An operator takes a conversation: from now on it is hers."""
        if await self.get(sender_id) is None:
            return None
        await self._redis.hset(
            self._conv(sender_id), mapping={"status": "active", "operator": operator}
        )
        return await self.get(sender_id)

    async def close(self, sender_id: str) -> bool:
        """The conversation goes back to the assistant; its thread is forgotten."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._conv(sender_id))
            pipe.delete(self._thread(sender_id))
            pipe.zrem(self.QUEUE, sender_id)
            removed = await pipe.execute()
        return bool(removed[0])

    # -- threads ----------------------------------------------------------------------

    async def append(self, sender_id: str, who: Who, text: str, *, at: float | None = None) -> None:
        line = json.dumps(
            {"who": who, "text": text, "at": at if at is not None else time.time()},
            ensure_ascii=False,
        )
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(self._thread(sender_id), line)
            pipe.ltrim(self._thread(sender_id), -THREAD_MAX, -1)
            pipe.expire(self._thread(sender_id), THREAD_TTL_S)
            await pipe.execute()

    async def thread(self, sender_id: str) -> list[ThreadLine]:
        raw = await self._redis.lrange(self._thread(sender_id), 0, -1)
        lines = []
        for item in raw:
            data = json.loads(item)
            lines.append(ThreadLine(who=data["who"], text=data["text"], at=float(data["at"])))
        return lines
