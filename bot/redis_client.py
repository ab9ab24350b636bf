"""The Redis connection, or an in-process stand-in when ``REDIS_URL`` is not set.

Why a stand-in: the embedded default must start with one command and no Redis server.
fakeredis implements the same asyncio API, so the code above it does not branch. It is
only correct for a single gateway process; production sets ``REDIS_URL``.
"""

from __future__ import annotations

import fakeredis
import redis.asyncio as aioredis

__all__ = ["make_redis"]


def make_redis(url: str | None) -> aioredis.Redis:
    """A client for ``url``, or a process-local fake when ``url`` is None."""
    if url:
        return aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=1.0, socket_connect_timeout=1.0
        )
    return fakeredis.FakeAsyncRedis(decode_responses=True)
