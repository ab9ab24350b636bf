"""How a worker is told about her appointment, whatever channel she booked from.

The booking code never names WeChat or Telegram: it hands a ``Reminder`` to a
``Notifier``. Channel adapters implement it — for WeChat a subscription/template message
(free-form replies are only allowed within 48 hours of her last message), for Telegram a
bot message. ``NotifierRegistry`` picks the one for the appointment's channel;
``MemoryNotifier`` keeps what it was asked to send, for tests and the CLI's dry runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

__all__ = [
    "DeliveryResult",
    "MemoryNotifier",
    "Notifier",
    "NotifierRegistry",
    "Reminder",
]


@dataclass(frozen=True)
class Reminder:
    """Everything a channel needs to remind one worker of one appointment.

    ``fields`` carries the values a WeChat template needs (keyword1…), named for what they
    hold; ``text`` is the same content as one message for free-form channels. ``link`` is
    the appointment's calendar (``.ics``) address when the caller knows the public URL and
    the signing secret; empty otherwise (a template message then opens nothing).
    """

    channel: str
    channel_user_id: str
    appointment_code: str
    starts_at: datetime
    station_name: str
    address: str
    text: str
    fields: Mapping[str, str] = field(default_factory=dict)
    link: str = ""


@dataclass(frozen=True)
class DeliveryResult:
    delivered: bool
    detail: str = ""


@runtime_checkable
class Notifier(Protocol):
    """Sends a reminder through one channel. Must not raise for a refused delivery."""

    async def send_reminder(self, reminder: Reminder) -> DeliveryResult: ...


class MemoryNotifier:
    """Keeps every reminder in ``sent``; delivers unless the user id is in ``refuse``."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.sent: list[Reminder] = []
        self._refuse = refuse or set()

    async def send_reminder(self, reminder: Reminder) -> DeliveryResult:
        if reminder.channel_user_id in self._refuse:
            return DeliveryResult(False, "refused")
        self.sent.append(reminder)
        return DeliveryResult(True, "kept in memory")


class NotifierRegistry:
    """The notifier for each channel name (``wechat``, ``telegram``, …)."""

    def __init__(self, notifiers: Mapping[str, Notifier] | None = None) -> None:
        self._by_channel: dict[str, Notifier] = dict(notifiers or {})

    def register(self, channel: str, notifier: Notifier) -> None:
        self._by_channel[channel] = notifier

    def for_channel(self, channel: str) -> Notifier | None:
        return self._by_channel.get(channel)

    @property
    def channels(self) -> list[str]:
        return sorted(self._by_channel)
