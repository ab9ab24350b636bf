"""Recognise a platform's retries of one message, so it is answered once.

WeChat re-sends a message after 5 seconds without an answer, up to three times, and the
retries can arrive while the first copy is still being answered. The first copy claims the
message with Redis ``SET NX``; the others wait for its outcome and reuse it. The engine sees
the message once, whichever process each copy reached.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import redis.asyncio as aioredis
import redis.exceptions

__all__ = ["Claim", "MessageLedger", "Outcome"]

log = logging.getLogger(__name__)

LEDGER_TTL_S = 600
POLL_S = 0.05


@dataclass(frozen=True)
class Outcome:
    """What became of a message: answered in the reply (``answered``, with its pages), or
    answered later through the platform's push API (``deferred``), or nothing to say
    (``silent``)."""

    state: Literal["answered", "deferred", "silent"]
    pages: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"state": self.state, "pages": self.pages}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Outcome | None:
        data: dict[str, Any] = json.loads(raw)
        if data.get("state") not in ("answered", "deferred", "silent"):
            return None
        return cls(state=data["state"], pages=list(data.get("pages", [])))


@dataclass(frozen=True)
class Claim:
    """The result of claiming a message: ``first`` is True for the copy that must answer."""

    key: str
    first: bool


class MessageLedger:
    """Claims and outcomes of platform messages, kept in Redis for ten minutes."""

    def __init__(self, redis_client: aioredis.Redis, *, prefix: str = "ledger") -> None:
        self._redis = redis_client
        self._prefix = prefix

    async def claim(self, channel: str, message_key: str) -> Claim:
        """Claim a message; only the first copy gets ``first=True``.

        Why fail open: when Redis is down, answering a retry twice is better than not
        answering a worker at all.
        """
        key = f"{self._prefix}:{channel}:{message_key}"
        try:
            first = await self._redis.set(key, "processing", nx=True, ex=LEDGER_TTL_S)
        except redis.exceptions.RedisError as error:
            log.warning("message ledger unavailable: %s", type(error).__name__)
            return Claim(key, True)
        return Claim(key, bool(first))

    async def finish(self, claim: Claim, outcome: Outcome) -> None:
        """Record what the first copy did, for the retries to reuse."""
        try:
            await self._redis.set(claim.key, outcome.to_json(), ex=LEDGER_TTL_S)
        except redis.exceptions.RedisError as error:
            log.warning("message ledger unavailable: %s", type(error).__name__)

    async def release(self, claim: Claim) -> None:
        """Forget a claim whose processing failed, so a retry may try again."""
        try:
            await self._redis.delete(claim.key)
        except redis.exceptions.RedisError as error:
            log.warning("message ledger unavailable: %s", type(error).__name__)

    async def wait(self, claim: Claim, timeout_s: float) -> Outcome | None:
        """The first copy's outcome, waiting up to ``timeout_s`` for it; None if not yet."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                raw = await self._redis.get(claim.key)
            except redis.exceptions.RedisError as error:
                log.warning("message ledger unavailable: %s", type(error).__name__)
                return None
            if raw and raw != "processing":
                return Outcome.from_json(str(raw))
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(POLL_S)
