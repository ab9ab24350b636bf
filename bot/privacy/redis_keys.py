"""Texts the gateway parks in Redis: which keys hold them, and their purge.

Every such key is written with an expiry (at most the handoff desk's seven days), so in
normal operation nothing here outlives the retention period. The purge is the safety net:
a key without expiry — left by an older version, a crash between two commands, or a manual
edit — is deleted when its newest entry is older than the cutoff, or else given the expiry
it should have had; handoff-queue entries whose conversation has expired are removed (the
queue itself has no expiry: it lists open conversations).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import redis.asyncio as aioredis

from bot.channels.buttons import BUTTONS_TTL_S
from bot.channels.delivery import OUTBOX_TTL_S
from bot.channels.ledger import LEDGER_TTL_S
from bot.channels.relay import RECENT_TTL_S
from bot.channels.wechat import PAGES_TTL_S
from bot.console.handoff import THREAD_TTL_S, HandoffDesk
from bot.conversation import IDEMPOTENCY_TTL_S
from bot.privacy.retention import RedisPurge, verdict_for_key

__all__ = ["TEXT_KEYS", "TextKeys", "purge_redis"]

Stamps = Literal["thread_lines", "opened_at"] | None


@dataclass(frozen=True)
class TextKeys:
    """A family of keys holding texts: its pattern, its expiry, where its age is written."""

    pattern: str
    ttl_s: int
    stamps: Stamps = None


TEXT_KEYS = (
    TextKeys("handoff:thread:*", THREAD_TTL_S, "thread_lines"),  # worker ↔ operator lines
    TextKeys("handoff:conv:*", THREAD_TTL_S, "opened_at"),  # who waits for a person
    TextKeys("outbox:*", OUTBOX_TTL_S),  # replies waiting for the web chat page
    TextKeys("wechat:pages:*", PAGES_TTL_S),  # the rest of a long WeChat answer
    TextKeys("recent:*", RECENT_TTL_S),  # last messages, shown to the operator on handoff
    TextKeys("buttons:*", BUTTONS_TTL_S),  # numbered choices of the last answer
    TextKeys("turn:*", IDEMPOTENCY_TTL_S),  # an answered message, for retries
    TextKeys("ledger:*", LEDGER_TTL_S),  # a platform message's outcome, for retries
)


async def _newest(client: aioredis.Redis, key: str, stamps: Stamps) -> float | None:
    """When the key was last written to, where it says so; None when it cannot tell."""
    try:
        if stamps == "thread_lines":
            lines = await client.lrange(key, 0, -1)
            times = [float(json.loads(line)["at"]) for line in lines]
            return max(times) if times else None
        if stamps == "opened_at":
            opened = await client.hget(key, "opened_at")
            return float(opened) if opened else None
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: treated as of unknown age
    return None


async def purge_redis(client: aioredis.Redis, *, cutoff: datetime) -> RedisPurge:
    """Delete or expire text keys without expiry; drop queue entries of expired handoffs."""
    deleted = expiry_set = 0
    for family in TEXT_KEYS:
        async for key in client.scan_iter(match=family.pattern, count=500):
            ttl = int(await client.ttl(key))
            if ttl != -1:
                continue
            newest = await _newest(client, key, family.stamps)
            verdict = verdict_for_key(ttl_s=ttl, newest_at=newest, cutoff=cutoff)
            if verdict == "delete":
                deleted += int(await client.delete(key))
            elif verdict == "expire":
                expiry_set += int(await client.expire(key, family.ttl_s))
    desk = HandoffDesk(client)
    removed = 0
    for sender in await client.zrange(HandoffDesk.QUEUE, 0, -1):
        if await desk.get(str(sender)) is None:
            removed += int(await client.zrem(HandoffDesk.QUEUE, str(sender)))
    return RedisPurge(deleted=deleted, expiry_set=expiry_set, queue_entries_removed=removed)
