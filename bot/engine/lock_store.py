"""Rasa's Redis lock store, made to keep answering while Redis is down.

Loaded by Rasa itself, inside the engine's Python 3.10 virtual environment, from the
``lock_store`` ``type:`` that ``bot.engine.config`` writes into ``endpoints.yml``; never
imported by the application (it imports Rasa, which only the engine's venv has).

Why: with Rasa's own Redis lock store every turn fails while Redis is unreachable (the
lock cannot be taken; the REST channel then answers an empty list), so a Redis outage
silences the assistant although nothing else it needs is missing. Here a turn whose lock
cannot be taken because Redis is unreachable is serialised by a process-local lock
instead, as Rasa does with one engine process and no Redis. While Redis is down, two
engine processes could then handle the same conversation at the same moment; answering
workers is worth that small risk, and the shared lock is back as soon as Redis is.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.exceptions
from rasa.core.lock import TicketLock  # type: ignore[import-not-found]
from rasa.core.lock_store import (  # type: ignore[import-not-found]
    LOCK_LIFETIME,
    InMemoryLockStore,
    RedisLockStore,
)

__all__ = ["FailOpenRedisLockStore"]

log = logging.getLogger(__name__)

REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _redis_down(error: BaseException) -> bool:
    """Whether ``error`` (or what it was raised from) says Redis cannot be reached.

    Rasa wraps lock-store failures in ``LockError`` without ``from``; the Redis error is
    then the implicit context.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, REDIS_DOWN):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class FailOpenRedisLockStore(RedisLockStore):  # type: ignore[misc]
    """Rasa's Redis lock store, falling back to a process-local lock while Redis is down."""

    def __init__(self, endpoint_config: Any) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)
        self._local = InMemoryLockStore()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        ticket: int | None = None
        held: tuple[int, TicketLock] | None = None
        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
            acquired = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            held = (ticket, acquired)
        except Exception as error:
            if ticket is not None:
                self._cleanup_quietly(conversation_id, ticket)
            if not _redis_down(error):
                raise
        if held is None:
            log.warning("lock store unreachable: this turn takes a process-local lock")
            local_lock = self._local.lock(conversation_id, lock_lifetime, wait_time_in_seconds)
            async with local_lock as local:
                yield local
            return
        try:
            yield held[1]
        finally:
            self._cleanup_quietly(conversation_id, held[0])

    def _cleanup_quietly(self, conversation_id: str, ticket: int) -> None:
        """Release a ticket; if Redis went away meanwhile, the ticket expires by itself."""
        try:
            self.cleanup(conversation_id, ticket)
        except REDIS_DOWN:
            log.warning("lock store unreachable: ticket left to expire")
