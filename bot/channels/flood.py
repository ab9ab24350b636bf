"""Per-sender message rate limits ("flood control"), counted in Redis.

Why: one engine serves every worker. A script, a stuck client or a retry loop sending
hundreds of messages from one account must not take the turns that other workers are
waiting for, so past a limit a sender's messages get a calm fixed answer (wait a minute,
or call a hotline) instead of an engine turn.

The counters are fixed windows that start with the sender's first message (``INCR`` then
``EXPIRE … NX``): a minute and a day. They live in Redis, so every gateway process counts
the same sender together, and they work the same on the in-process stand-in. A Redis
failure never blocks a message: the guard then lets everything through (fail open) and
logs a warning that names no sender.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import redis.asyncio as aioredis
import redis.exceptions

from bot.settings import Settings

__all__ = [
    "FLOOD_DAY_TEXT",
    "FLOOD_MINUTE_TEXT",
    "FloodGuard",
    "RateCounter",
    "Refusal",
]

log = logging.getLogger(__name__)

MINUTE_S = 60
DAY_S = 24 * 3600

FLOOD_MINUTE_TEXT = (
    "您发消息的速度有点快，请稍等一分钟再发，我会接着为您解答。"
    "着急的话，请直接拨打 12338（妇联妇女维权）或 12333（人社劳动保障）。"
)
FLOOD_DAY_TEXT = (
    "今天您发的消息已经很多了，请明天再来继续咨询。"
    "着急的话，请直接拨打 12338（妇联妇女维权）或 12333（人社劳动保障）。"
)


@dataclass(frozen=True)
class Refusal:
    """Why a message was not let through, when to try again, and what to tell her."""

    window: Literal["minute", "day"]
    retry_after_s: int
    text: str


class RateCounter:
    """Counts events per key in fixed windows that start at the key's first event.

    Returns the count including this event and the seconds left in each window, or None
    when Redis cannot be reached (callers then let the event through).
    """

    def __init__(self, redis_client: aioredis.Redis, *, prefix: str) -> None:
        self._redis = redis_client
        self._prefix = prefix

    async def hit(self, key: str, windows_s: tuple[int, ...]) -> list[tuple[int, int]] | None:
        """Count one event for ``key`` in each window; ``[(count, seconds_left), …]``."""
        keys = [f"{self._prefix}:{key}:{window}" for window in windows_s]
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for name, window in zip(keys, windows_s, strict=True):
                    pipe.incr(name)
                    pipe.expire(name, window, nx=True)
                    pipe.ttl(name)
                results = await pipe.execute()
        except (redis.exceptions.RedisError, OSError) as error:
            log.warning("rate counter unavailable, request let through: %s", type(error).__name__)
            return None
        counted: list[tuple[int, int]] = []
        for index, window in enumerate(windows_s):
            count, ttl = int(results[3 * index]), int(results[3 * index + 2])
            counted.append((count, ttl if ttl > 0 else window))
        return counted


class FloodGuard:
    """At most ``per_minute`` messages a minute and ``per_day`` a day from one sender."""

    def __init__(
        self,
        redis_client: aioredis.Redis,
        *,
        per_minute: int = 20,
        per_day: int = 200,
        prefix: str = "flood",
    ) -> None:
        self._counter = RateCounter(redis_client, prefix=prefix)
        self.per_minute = per_minute
        self.per_day = per_day

    @classmethod
    def from_settings(cls, redis_client: aioredis.Redis, settings: Settings) -> FloodGuard:
        """The guard with ``MESSAGE_RATE_PER_MINUTE`` and ``MESSAGE_RATE_PER_DAY``."""
        return cls(
            redis_client,
            per_minute=settings.message_rate_per_minute,
            per_day=settings.message_rate_per_day,
        )

    async def check(self, sender: str) -> Refusal | None:
        """Count one message from ``sender`` (``channel:user_id``); a Refusal when over a limit.

        A limit of 0 or less switches that window off.
        """
        if self.per_minute <= 0 and self.per_day <= 0:
            return None
        counted = await self._counter.hit(sender, (MINUTE_S, DAY_S))
        if counted is None:
            return None
        (minute, minute_left), (day, day_left) = counted
        if 0 < self.per_day < day:
            return Refusal("day", day_left, FLOOD_DAY_TEXT)
        if 0 < self.per_minute < minute:
            return Refusal("minute", minute_left, FLOOD_MINUTE_TEXT)
        return None
