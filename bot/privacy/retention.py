"""How long personal data is kept, and what a purge reports — plain Python, no framework.

Three kinds of personal data outlive a conversation: the conversation itself in Rasa's
tracker store (texts, the booking form's slots), a booked appointment's name and phone, and
texts parked in Redis for the channels and the handoff desk. Each has its own limit:
``CONVERSATION_RETENTION_DAYS`` after a conversation's last message, ``BOOKING_RETENTION_DAYS``
after the appointment, and for Redis the expiry each key is written with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

__all__ = [
    "ConversationPurge",
    "KeyVerdict",
    "PurgeReport",
    "RedisPurge",
    "RetentionPolicy",
    "verdict_for_key",
]

KeyVerdict = Literal["keep", "delete", "expire"]


@dataclass(frozen=True)
class RetentionPolicy:
    """Days personal data is kept: conversations after their last message, bookings after
    the appointment."""

    conversation_days: int
    booking_days: int

    def __post_init__(self) -> None:
        if self.conversation_days < 1 or self.booking_days < 1:
            raise ValueError("retention periods must be at least one day")

    def conversation_cutoff(self, now: datetime) -> datetime:
        """Conversations silent since before this moment are deleted."""
        return now - timedelta(days=self.conversation_days)


def verdict_for_key(*, ttl_s: int, newest_at: float | None, cutoff: datetime) -> KeyVerdict:
    """What a purge does with one Redis key that holds texts.

    ``ttl_s`` is Redis's answer to TTL (-1: no expiry, -2: no such key). Every such key is
    written with an expiry, so it goes away by itself; one without (left by an older
    version, or written by hand) is deleted when its newest entry is older than the cutoff,
    and otherwise given the expiry it should have had — never kept forever.
    """
    if ttl_s != -1:
        return "keep"
    if newest_at is not None and newest_at < cutoff.timestamp():
        return "delete"
    return "expire"


@dataclass(frozen=True)
class ConversationPurge:
    """Conversations deleted from the tracker store, and how many of their events."""

    conversations: int
    events: int


@dataclass(frozen=True)
class RedisPurge:
    """Redis keys deleted, keys given their missing expiry, stale handoff-queue entries."""

    deleted: int
    expiry_set: int
    queue_entries_removed: int


@dataclass(frozen=True)
class PurgeReport:
    """Everything one ``hotline purge`` run erased, per kind."""

    now: datetime
    policy: RetentionPolicy
    tracker_store: str
    conversations: ConversationPurge
    appointments_erased: int
    redis: RedisPurge | None  # None: no REDIS_URL, nothing shared to purge

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "conversations": {
                "deleted": self.conversations.conversations,
                "events_deleted": self.conversations.events,
                "retention_days": self.policy.conversation_days,
                "store": self.tracker_store,
            },
            "appointments": {
                "erased": self.appointments_erased,
                "retention_days": self.policy.booking_days,
            },
            "redis": None
            if self.redis is None
            else {
                "deleted": self.redis.deleted,
                "expiry_set": self.redis.expiry_set,
                "queue_entries_removed": self.redis.queue_entries_removed,
            },
        }

    def lines(self) -> list[str]:
        """The report for a person, in Chinese."""
        lines = [
            f"对话记录：删除了 {self.conversations.conversations} 个超过 "
            f"{self.policy.conversation_days} 天没有新消息的对话（共 "
            f"{self.conversations.events} 条记录）。",
            f"预约：删除了 {self.appointments_erased} 个预约中的姓名、手机号和备注（预约结束后保留 "
            f"{self.policy.booking_days} 天）。",
        ]
        if self.redis is None:
            lines.append("Redis：未配置 REDIS_URL，消息只在网关进程的内存里，随进程结束清除。")
        else:
            lines.append(
                f"Redis：删除了 {self.redis.deleted} 个过期的消息记录，"
                f"为 {self.redis.expiry_set} 个没有有效期的消息记录设置了有效期，"
                f"从转人工队列移除了 {self.redis.queue_entries_removed} 个已失效的对话。"
            )
        return lines
