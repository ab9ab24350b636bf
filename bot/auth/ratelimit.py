"""Login rate limiting in Redis: a few failures per account and per address, then a pause.

Why both keys: per account stops guessing one person's password from many addresses;
per address stops one machine trying many accounts. Counters expire by themselves, so
a locked-out colleague can try again after the window without anyone's help.
"""

from __future__ import annotations

import hashlib

import redis.asyncio as aioredis
import redis.exceptions

__all__ = ["LoginRateLimiter"]


class LoginRateLimiter:
    def __init__(
        self,
        redis_client: aioredis.Redis,
        *,
        prefix: str = "login",
        max_failures: int = 5,
        window_s: int = 900,
        max_failures_per_address: int = 20,
    ) -> None:
        self._redis = redis_client
        self._prefix = prefix
        self._max = max_failures
        self._max_address = max_failures_per_address
        self._window = window_s

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        user = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:24]
        return f"{self._prefix}:fail:user:{user}", f"{self._prefix}:fail:addr:{address}"

    async def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        user_key, address_key = self._keys(username, address)
        try:
            user_count, address_count = await self._redis.mget(user_key, address_key)
            wait = 0
            if int(user_count or 0) >= self._max:
                wait = max(wait, int(await self._redis.ttl(user_key)))
            if int(address_count or 0) >= self._max_address:
                wait = max(wait, int(await self._redis.ttl(address_key)))
            return max(wait, 0)
        except redis.exceptions.RedisError:
            return 0  # never lock everybody out because Redis is down

    async def failed(self, username: str, address: str) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for key in self._keys(username, address):
                    pipe.incr(key)
                    pipe.expire(key, self._window, nx=True)
                await pipe.execute()
        except redis.exceptions.RedisError:
            return

    async def succeeded(self, username: str, address: str) -> None:
        try:
            await self._redis.delete(self._keys(username, address)[0])
        except redis.exceptions.RedisError:
            return
