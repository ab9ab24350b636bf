"""What every channel does with a worker's message, between the adapter and the engine.

1. A bare digit picks one of the numbered choices last offered to her.
2. If her conversation is with a person (an operator took it, or one is on duty while it
   waits), the message goes to the operator's thread instead of the assistant.
3. Otherwise the engine answers. When she asked for a person, or the engine gave up after
   two misunderstood messages, the conversation enters the handoff queue and she is told
   honestly whether an operator is on duty, with the hotline numbers when none is.
4. The choices offered in the answer are remembered for step 1 next time.

Before all of this, a sender past her message rate limit (``bot.channels.flood``) gets a
calm fixed answer instead, and the message goes no further.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field

import redis.asyncio as aioredis
import redis.exceptions

from bot.channels.buttons import ButtonMemory
from bot.channels.flood import FloodGuard
from bot.channels.sequencer import Sequencer
from bot.console.handoff import Handoff, HandoffDesk, ThreadLine
from bot.conversation import ConversationService, IncomingMessage, Reply, Turn

__all__ = [
    "HANDOFF_OFFLINE_TEXT",
    "HANDOFF_ONLINE_TEXT",
    "Relay",
    "RelayResult",
]

log = logging.getLogger(__name__)

HOTLINES = "12338（妇联妇女维权）、12351（工会职工维权）、12333（人社劳动保障）、12348（法律援助）"
HANDOFF_ONLINE_TEXT = "已为您转接人工接线员，请稍候，接线员会在这里回复您。您可以先把情况写下来。"
HANDOFF_OFFLINE_TEXT = (
    "现在没有人工接线员在线。您的留言已经记下，接线员上岗后会在这里回复您；"
    f"着急的话，请直接拨打：{HOTLINES}。在此期间，智能助手仍然可以回答您的问题。"
)
WAITING_ACK_TEXT = "您的消息已转给人工接线员，请稍候。"
RECENT_TTL_S = 3600
RECENT_KEEP = 3


@dataclass(frozen=True)
class RelayResult:
    """The replies to show now; ``turn`` is None when the message went to a person."""

    replies: list[Reply]
    turn: Turn | None = None
    handoff: Handoff | None = None
    to_person: bool = False
    buttons_chosen: list[str] = field(default_factory=list)


class Relay:
    def __init__(
        self,
        conversations: ConversationService,
        redis_client: aioredis.Redis,
        desk: HandoffDesk,
        buttons: ButtonMemory | None = None,
        flood: FloodGuard | None = None,
        sequencer: Sequencer | None = None,
    ) -> None:
        self._conversations = conversations
        self._flood = flood
        self._sequencer = sequencer or Sequencer(redis_client)
        self._redis = redis_client
        self._desk = desk
        self._buttons = buttons or ButtonMemory(redis_client)

    @property
    def desk(self) -> HandoffDesk:
        return self._desk

    async def handle(self, message: IncomingMessage) -> RelayResult:
        """Answer one message (already de-duplicated by the adapter).

        Messages of one conversation are handled one at a time in arrival order, even
        across gateway processes (``Sequencer``).
        """
        async with self._sequencer.turn(message.sender_id):
            return await self._handle(message)

    async def _handle(self, message: IncomingMessage) -> RelayResult:
        sender = message.sender_id
        # Independent look-ups in Redis, side by side: each round trip adds to every answer.
        refusal, (text, chosen), handoff = await asyncio.gather(
            self._flood.check(sender) if self._flood is not None else _nothing(),
            self._buttons.resolve(sender, message.text),
            self._handoff(sender),
        )
        if refusal is not None:
            return RelayResult(replies=[Reply(text=refusal.text)])
        shown = chosen.title if chosen else message.text
        if handoff is not None:
            await self._note(sender, "worker", shown)
            if handoff.status == "active" or await self._on_duty() > 0:
                ack = [] if handoff.status == "active" else [Reply(text=WAITING_ACK_TEXT)]
                return RelayResult(replies=ack, handoff=handoff, to_person=True)
        turn = await self._conversations.handle(
            IncomingMessage(
                channel=message.channel,
                user_id=message.user_id,
                text=text,
                message_id=message.message_id,
                slots=message.slots,
            ),
            # No parse: fetching the tracker for the intent cost the engine more than the
            # turn itself; a handoff is marked by the action in ``custom.handoff`` instead.
            with_parse=False,
        )
        replies = list(turn.replies)
        reason = turn.handoff
        remembered: list[Awaitable[None]] = []
        if reason and not turn.degraded:
            handoff = await self._open(message, reason, shown) or handoff
            on_duty = await self._on_duty()
            replies.append(Reply(text=HANDOFF_ONLINE_TEXT if on_duty else HANDOFF_OFFLINE_TEXT))
        elif handoff is not None:
            for reply in replies:
                await self._note(sender, "assistant", reply.text)
        else:
            remembered.append(self._remember_recent(sender, shown))
        remembered.append(self._buttons.remember(sender, [b for r in replies for b in r.buttons]))
        await asyncio.gather(*remembered)
        return RelayResult(replies=replies, turn=turn, handoff=handoff)

    # -- helpers that fail open: a Redis outage must not silence the assistant --------

    async def _handoff(self, sender: str) -> Handoff | None:
        try:
            return await self._desk.get(sender)
        except redis.exceptions.RedisError as error:
            log.warning("handoff desk unavailable: %s", type(error).__name__)
            return None

    async def _on_duty(self) -> int:
        try:
            return await self._desk.operators_on_duty()
        except redis.exceptions.RedisError as error:
            log.warning("handoff desk unavailable: %s", type(error).__name__)
            return 0

    async def _note(self, sender: str, who: str, text: str) -> None:
        try:
            await self._desk.append(sender, who, text)  # type: ignore[arg-type]
        except redis.exceptions.RedisError as error:
            log.warning("handoff desk unavailable: %s", type(error).__name__)

    async def _open(self, message: IncomingMessage, reason: str, shown: str) -> Handoff | None:
        now = time.time()
        context = [
            ThreadLine(who="worker", text=text, at=now)
            for text in [*await self._recent(message.sender_id), shown]
        ]
        try:
            handoff, _ = await self._desk.open(
                channel=message.channel, user_id=message.user_id, reason=reason, context=context
            )
        except redis.exceptions.RedisError as error:
            log.warning("handoff desk unavailable: %s", type(error).__name__)
            return None
        return handoff

    async def _remember_recent(self, sender: str, text: str) -> None:
        """The last few messages, so an operator taking over sees what went wrong."""
        key = f"recent:{sender}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, text)
                pipe.ltrim(key, -RECENT_KEEP, -1)
                pipe.expire(key, RECENT_TTL_S)
                await pipe.execute()
        except redis.exceptions.RedisError as error:
            log.warning("recent-message memory unavailable: %s", type(error).__name__)

    async def _recent(self, sender: str) -> list[str]:
        try:
            items = await self._redis.lrange(f"recent:{sender}", 0, -1)
            await self._redis.delete(f"recent:{sender}")
        except redis.exceptions.RedisError:
            return []
        return [str(item) for item in items]


async def _nothing() -> None:
    return None
