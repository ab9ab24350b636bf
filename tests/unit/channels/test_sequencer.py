"""One conversation's messages in arrival order; a dead holder or Redis outage never blocks."""

from __future__ import annotations

import asyncio

import fakeredis
import redis.exceptions

from bot.channels.sequencer import Sequencer


async def _one(seq: Sequencer, sender: str, name: str, hold_s: float, order: list[str]) -> None:
    async with seq.turn(sender):
        await asyncio.sleep(hold_s)
        order.append(name)


async def test_a_slow_first_message_is_still_answered_before_the_next_ones() -> None:
    seq, order = Sequencer(fakeredis.FakeAsyncRedis(decode_responses=True)), []
    tasks = []
    for n in range(4):
        tasks.append(
            asyncio.create_task(_one(seq, "wechat:o1", f"m{n}", 0.1 if n == 0 else 0, order))
        )
        await asyncio.sleep(0.005)
    await asyncio.gather(*tasks)
    assert order == ["m0", "m1", "m2", "m3"]


async def test_other_conversations_do_not_wait_for_each_other() -> None:
    seq, order = Sequencer(fakeredis.FakeAsyncRedis(decode_responses=True)), []
    slow = asyncio.create_task(_one(seq, "wechat:a", "a", 0.2, order))
    await asyncio.sleep(0.005)
    await _one(seq, "wechat:b", "b", 0, order)
    assert order == ["b"]
    await slow


async def test_a_message_whose_predecessor_died_goes_ahead_after_the_wait() -> None:
    client = fakeredis.FakeAsyncRedis(decode_responses=True)
    seq, order = Sequencer(client, max_wait_s=0.2), []
    await client.set("seq:wechat:o1:done", 0)
    await client.set("seq:wechat:o1:next", 1)  # ticket 1 taken by a process that crashed
    await asyncio.wait_for(_one(seq, "wechat:o1", "m2", 0, order), timeout=2)
    assert order == ["m2"] and await client.get("seq:wechat:o1:done") == "2"


class _DownRedis(fakeredis.FakeAsyncRedis):
    def pipeline(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise redis.exceptions.ConnectionError("down")


async def test_when_redis_is_down_the_message_goes_ahead_at_once() -> None:
    seq, order = Sequencer(_DownRedis(decode_responses=True)), []
    await asyncio.wait_for(_one(seq, "wechat:o1", "m", 0, order), timeout=1)
    assert order == ["m"]
