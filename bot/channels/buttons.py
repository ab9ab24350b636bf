"""Remember the last choices offered to each worker, so a bare digit picks one of them.

WeChat (and SMS-like use of any channel) has no buttons in a chat: choices are numbered and
the worker answers "2". The choices are kept per conversation in Redis for a day.
"""

from __future__ import annotations

import json
import logging

import redis.asyncio as aioredis
import redis.exceptions

from bot.conversation import Button

__all__ = ["ButtonMemory"]

log = logging.getLogger(__name__)

BUTTONS_TTL_S = 24 * 3600
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


class ButtonMemory:
    def __init__(self, redis_client: aioredis.Redis) -> None:
        self._redis = redis_client

    @staticmethod
    def _key(sender_id: str) -> str:
        return f"buttons:{sender_id}"

    async def remember(self, sender_id: str, buttons: list[Button]) -> None:
        """Keep the choices just offered (an empty list forgets the previous ones)."""
        try:
            if buttons:
                value = json.dumps([[b.title, b.payload] for b in buttons], ensure_ascii=False)
                await self._redis.set(self._key(sender_id), value, ex=BUTTONS_TTL_S)
            else:
                await self._redis.delete(self._key(sender_id))
        except redis.exceptions.RedisError as error:
            log.warning("button memory unavailable: %s", type(error).__name__)

    async def last(self, sender_id: str) -> list[Button]:
        try:
            raw = await self._redis.get(self._key(sender_id))
        except redis.exceptions.RedisError as error:
            log.warning("button memory unavailable: %s", type(error).__name__)
            return []
        if not raw:
            return []
        return [Button(title=title, payload=payload) for title, payload in json.loads(raw)]

    async def resolve(self, sender_id: str, text: str) -> tuple[str, Button | None]:
        """The payload of the numbered choice ``text`` names, or ``text`` itself.

        Accepts "2", "２" and "2." so that a worker typing on a phone is understood.
        """
        candidate = text.strip().translate(_FULL_WIDTH_DIGITS).rstrip(".、 ")
        if not candidate.isdigit() or len(candidate) > 2:
            return text, None
        buttons = await self.last(sender_id)
        index = int(candidate) - 1
        if 0 <= index < len(buttons):
            return buttons[index].payload, buttons[index]
        return text, None
