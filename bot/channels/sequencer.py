"""One conversation's messages handled one at a time, in the order they arrived.

Why: with several gateway processes (and several engines) behind one address, two
messages a worker sends in quick succession can land in different processes. Rasa's lock
store keeps the engine from working on both at once, but not from taking the second one
first. A ticket per message, taken in Redis when the message arrives, fixes the order
across every process: a message waits until the one before it is done.

A ticket holder that dies never says it is done; the next message waits ``max_wait_s`` at
most and then goes ahead, so a crash delays a conversation but never blocks it. When
Redis is unreachable the message goes ahead at once (answering beats ordering).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
import redis.exceptions

__all__ = ["Sequencer"]

log = logging.getLogger(__name__)

KEY_TTL_S = 3600
MAX_POLL_S = 0.5


class Sequencer:
    def __init__(
        self,
        redis_client: aioredis.Redis,
        *,
        max_wait_s: float = 30.0,
        poll_s: float = 0.02,
        prefix: str = "seq",
    ) -> None:
        self._redis = redis_client
        self._max_wait_s = max_wait_s
        self._poll_s = poll_s
        self._prefix = prefix
        # Waiters in this process are woken by a finisher in this process at once; a
        # finisher in another process is noticed by polling Redis, less and less often.
        # Why not poll fast: in an overload hundreds of conversations wait, and fast
        # polling alone would take the gateway's CPU from the replies that have deadlines.
        self._finished: dict[str, asyncio.Event] = {}

    def _keys(self, sender: str) -> tuple[str, str]:
        return f"{self._prefix}:{sender}:next", f"{self._prefix}:{sender}:done"

    @asynccontextmanager
    async def turn(self, sender: str) -> AsyncIterator[None]:
        """Wait for this message's turn in ``sender``'s conversation; hold it inside."""
        next_key, done_key = self._keys(sender)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                # Both keys live an hour past their last use; after such a silence the
                # conversation starts again from ticket 1 with nothing to wait for.
                pipe.set(done_key, 0, nx=True, ex=KEY_TTL_S)
                pipe.incr(next_key)
                pipe.expire(next_key, KEY_TTL_S)
                pipe.get(done_key)
                _, ticket_raw, _, done_raw = await pipe.execute()
            ticket, done = int(ticket_raw), int(done_raw or 0)
        except redis.exceptions.RedisError as error:
            log.warning("sequencer unavailable: %s", type(error).__name__)
            yield
            return
        started = asyncio.get_running_loop().time()
        try:
            await self._wait(done_key, ticket, done)
            yield
        finally:
            try:
                held_s = asyncio.get_running_loop().time() - started
                await self._finish(done_key, ticket, maybe_overtaken=held_s >= self._max_wait_s)
            except redis.exceptions.RedisError as error:
                log.warning("sequencer unavailable: %s", type(error).__name__)

    async def _finish(self, done_key: str, ticket: int, *, maybe_overtaken: bool) -> None:
        # Only a message that gave up waiting for this one (after max_wait_s) can have
        # marked a later ticket done; unless this one took that long, one write is enough.
        try:
            if maybe_overtaken and ticket <= int(await self._redis.get(done_key) or 0):
                return
            await self._redis.set(done_key, ticket, ex=KEY_TTL_S)
        finally:
            event = self._finished.pop(done_key, None)
            if event is not None:
                event.set()

    async def _wait(self, done_key: str, ticket: int, done: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._max_wait_s
        delay = self._poll_s
        while done < ticket - 1:
            if loop.time() >= deadline:
                log.warning("sequencer: an earlier message never finished; going ahead")
                return
            event = self._finished.setdefault(done_key, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), delay)
            delay = min(delay * 1.5, MAX_POLL_S)
            try:
                done = int(await self._redis.get(done_key) or 0)
            except redis.exceptions.RedisError as error:
                log.warning("sequencer unavailable: %s", type(error).__name__)
                return
