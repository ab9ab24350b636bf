"""What the booking forms share: reading the tracker, reaching the booking store, slot buttons.

Used by the booking form (``booking.py``) and the look-up / change / cancel form
(``booking_manage.py``). The database work runs in a worker thread, one short transaction
per call; a lost database surfaces as ``BookingUnavailable``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from rasa_sdk import Tracker

from bot.booking import service
from bot.booking.runtime import BookingRuntime, booking_runtime
from bot.booking.texts import format_when
from bot.settings import get_settings

__all__ = [
    "booking_runtime_for_actions",
    "entity",
    "intent_of",
    "now_utc",
    "requested",
    "run_db",
    "sender",
    "slot_button",
    "text_of",
]

T = TypeVar("T")


@functools.cache
def booking_runtime_for_actions() -> BookingRuntime:
    return booking_runtime(get_settings())


async def run_db(work: Callable[..., T], *args: Any) -> T:
    """Run one short database transaction off the event loop, outage → BookingUnavailable."""

    def call() -> T:
        with service.guard_database():
            return work(*args)

    return await asyncio.to_thread(call)


def now_utc() -> datetime:
    return datetime.now(UTC)


def sender(tracker: Tracker) -> tuple[str, str]:
    """(channel, user id) from the sender id the gateway gives: ``wechat:oAbc…``."""
    channel, sep, user = (tracker.sender_id or "").partition(":")
    return (channel, user) if sep and user else ("rasa", tracker.sender_id or "unknown")


def intent_of(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def entity(tracker: Tracker, name: str) -> str | None:
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == name and item.get("value") not in (None, ""):
            return str(item["value"])
    return None


def text_of(tracker: Tracker) -> str:
    text = str(tracker.latest_message.get("text") or "").strip()
    return "" if text.startswith("/") else text  # a button payload is not typed text


def requested(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot


def slot_button(slot: Any) -> dict[str, str]:
    seats = slot.capacity - slot.booked_count
    return {
        "title": f"{format_when(slot.starts_at, slot.ends_at)}（余{seats}位）",
        "payload": f'/inform{{"booking_slot": "{slot.id}"}}',
    }
