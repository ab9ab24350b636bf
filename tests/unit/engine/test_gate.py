"""The engine gate: a few turns in flight, fresh WeChat messages before deferred ones."""

from __future__ import annotations

import asyncio

import pytest

from bot.engine.gate import EngineBusy, EngineGate, Urgency, current_urgency


async def _hold(gate: EngineGate, name: str, order: list[str], release: asyncio.Event) -> None:
    async with gate.slot():
        order.append(name)
        await release.wait()


async def _queued(gate: EngineGate, name: str, order: list[str], urgency: Urgency) -> None:
    current_urgency.set(urgency)
    async with gate.slot():
        order.append(name)


async def test_no_more_than_the_limit_run_at_once() -> None:
    gate, order, release = EngineGate(2), [], asyncio.Event()
    tasks = [asyncio.create_task(_hold(gate, f"t{i}", order, release)) for i in range(5)]
    await asyncio.sleep(0.01)
    assert gate.in_flight == 2 and gate.waiting == 3 and order == ["t0", "t1"]
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(order) == [f"t{i}" for i in range(5)] and gate.in_flight == 0


async def test_a_deferred_message_waits_behind_fresh_ones_that_came_later() -> None:
    gate, order, release = EngineGate(1), [], asyncio.Event()
    blocker = asyncio.create_task(_hold(gate, "running", order, release))
    await asyncio.sleep(0.01)
    old = Urgency()
    first = asyncio.create_task(_queued(gate, "deferred", order, old))
    await asyncio.sleep(0.01)
    fresh = [asyncio.create_task(_queued(gate, f"fresh{i}", order, Urgency())) for i in range(2)]
    await asyncio.sleep(0.01)
    old.defer()  # the holding reply went out
    release.set()
    await asyncio.gather(blocker, first, *fresh)
    assert order == ["running", "fresh0", "fresh1", "deferred"]


async def test_fresh_messages_keep_their_arrival_order() -> None:
    gate, order, release = EngineGate(1), [], asyncio.Event()
    blocker = asyncio.create_task(_hold(gate, "running", order, release))
    await asyncio.sleep(0.01)
    queued = [asyncio.create_task(_queued(gate, f"m{i}", order, Urgency())) for i in range(4)]
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(blocker, *queued)
    assert order == ["running", "m0", "m1", "m2", "m3"]


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    gate, order, release = EngineGate(1), [], asyncio.Event()
    blocker = asyncio.create_task(_hold(gate, "running", order, release))
    await asyncio.sleep(0.01)
    gone = asyncio.create_task(_queued(gate, "gone", order, Urgency()))
    kept = asyncio.create_task(_queued(gate, "kept", order, Urgency()))
    await asyncio.sleep(0.01)
    gone.cancel()
    release.set()
    await asyncio.gather(blocker, kept)
    assert order == ["running", "kept"] and gate.in_flight == 0 and gate.waiting == 0


async def test_waiting_longer_than_the_limit_raises_engine_busy() -> None:
    gate, order, release = EngineGate(1, max_wait_s=0.05), [], asyncio.Event()
    blocker = asyncio.create_task(_hold(gate, "running", order, release))
    await asyncio.sleep(0.01)
    with pytest.raises(EngineBusy):
        async with gate.slot():
            pass
    release.set()
    await blocker
    assert gate.in_flight == 0 and gate.waiting == 0


def test_a_gate_needs_at_least_one_place() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        EngineGate(0)


async def test_under_overload_the_newest_fresh_message_goes_first() -> None:
    gate, order, release = EngineGate(1, lifo_after=2), [], asyncio.Event()
    blocker = asyncio.create_task(_hold(gate, "running", order, release))
    await asyncio.sleep(0.01)
    queued = [asyncio.create_task(_queued(gate, f"m{i}", order, Urgency())) for i in range(4)]
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(blocker, *queued)
    # 4 waiting > 2: newest first until the queue is short again, then arrival order.
    assert order == ["running", "m3", "m2", "m0", "m1"]
