"""How many turns the gateway lets into the engine at once, and in which order.

Why: the engine is CPU-bound. Sent 300 messages at once it works on all of them together
and every one is late; with a few in flight it finishes each quickly and the rest wait
here, in order. The order is deadline-aware: a WeChat message still inside its reply
budget goes before one that has already had its holding reply ("正在为您查询…") and whose
answer will be pushed later. In a burst, fresh messages keep getting real answers in time
and the deferred ones are answered as soon as there is room.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

__all__ = ["EngineBusy", "EngineGate", "Urgency", "current_urgency"]


class EngineBusy(TimeoutError):
    """A message waited longer than the gate's ``max_wait_s`` for a place."""


@dataclass(eq=False)
class Urgency:
    """Whether a message still waits for its answer in the reply (``deferred`` = no)."""

    deferred: bool = False
    _gate: EngineGate | None = field(default=None, repr=False)
    _waiter: asyncio.Future[None] | None = field(default=None, repr=False)

    def defer(self) -> None:
        """The worker has had a holding reply: this message may now wait behind fresh ones."""
        self.deferred = True
        if self._gate is not None and self._waiter is not None:
            self._gate._demote(self._waiter)


current_urgency: contextvars.ContextVar[Urgency | None] = contextvars.ContextVar(
    "current_urgency", default=None
)


class EngineGate:
    """A semaphore with two queues: urgent first, deferred when no urgent one waits."""

    def __init__(
        self, limit: int, max_wait_s: float | None = None, lifo_after: int | None = None
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._max_wait_s = max_wait_s
        self._lifo_after = lifo_after if lifo_after is not None else 4 * limit
        self._in_flight = 0
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._deferred: deque[asyncio.Future[None]] = deque()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def waiting(self) -> int:
        return len(self._urgent) + len(self._deferred)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``limit`` places for the duration of an engine call.

        Raises ``EngineBusy`` after ``max_wait_s`` without a place: under a long overload
        a message is better answered by the fallback than kept waiting without end.
        """
        try:
            async with asyncio.timeout(self._max_wait_s):
                await self._acquire()
        except TimeoutError as error:
            raise EngineBusy(f"no engine place within {self._max_wait_s} s") from error
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        if self._in_flight < self._limit and not self._urgent and not self._deferred:
            self._in_flight += 1
            return
        urgency = current_urgency.get()
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if urgency is not None:
            urgency._gate, urgency._waiter = self, waiter
        (self._deferred if urgency and urgency.deferred else self._urgent).append(waiter)
        try:
            await waiter  # the releaser counted us in before waking us
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # woken and cancelled at once: pass the place on
            else:
                self._forget(waiter)
            raise
        finally:
            if urgency is not None:
                urgency._gate, urgency._waiter = None, None

    def _release(self) -> None:
        self._in_flight -= 1
        # Urgent messages go first come, first served, until more wait than can be served
        # within a reply budget: then the newest goes first. Under overload, first come
        # first served makes every message wait until it is too late for all of them;
        # newest-first answers as many in time as the engine can, and the older ones get
        # their holding reply and are answered later (adaptive LIFO).
        newest_first = len(self._urgent) > self._lifo_after
        for queue in (self._urgent, self._deferred):
            while queue:
                waiter = queue.pop() if newest_first and queue is self._urgent else queue.popleft()
                if not waiter.done():
                    self._in_flight += 1
                    waiter.set_result(None)
                    return

    def _forget(self, waiter: asyncio.Future[None]) -> None:
        for queue in (self._urgent, self._deferred):
            with contextlib.suppress(ValueError):
                queue.remove(waiter)

    def _demote(self, waiter: asyncio.Future[None]) -> None:
        try:
            self._urgent.remove(waiter)
        except ValueError:
            return  # already running (or gone)
        self._deferred.append(waiter)
