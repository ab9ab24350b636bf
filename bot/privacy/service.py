"""One purge of every kind of personal data past its retention period (``hotline purge``).

Each step commits on its own: a purge that fails half-way (Redis down, say) has still
erased what it reached, and the next daily run does the rest — every step is idempotent.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import Engine, create_engine

from bot.booking import records, service
from bot.booking.runtime import booking_runtime
from bot.privacy.conversations import purge_conversations
from bot.privacy.redis_keys import purge_redis
from bot.privacy.retention import ConversationPurge, PurgeReport, RedisPurge, RetentionPolicy
from bot.redis_client import make_redis
from bot.settings import Settings
from bot.store.db import session_scope

__all__ = ["purge", "retention_policy"]


def retention_policy(settings: Settings) -> RetentionPolicy:
    """The retention periods configured by ``*_RETENTION_DAYS``."""
    return RetentionPolicy(
        conversation_days=settings.conversation_retention_days,
        booking_days=settings.booking_retention_days,
    )


def _purge_tracker_store(
    settings: Settings, booking_engine: Engine, cutoff: datetime
) -> ConversationPurge:
    if settings.database_url:  # the engine keeps its trackers in the same database
        return purge_conversations(engine=booking_engine, cutoff=cutoff)
    path = settings.rasa_tracker_db
    if not path.exists():  # the engine never ran here; do not create its file
        return ConversationPurge(conversations=0, events=0)
    # Rasa's own file: no WAL switch or other pragma of the booking store's engine.
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
    try:
        return purge_conversations(engine=engine, cutoff=cutoff)
    finally:
        engine.dispose()


async def _purge_redis(url: str, cutoff: datetime) -> RedisPurge:
    client = make_redis(url)
    try:
        return await purge_redis(client, cutoff=cutoff)
    finally:
        await client.aclose()


def purge(settings: Settings, *, now: datetime) -> PurgeReport:
    """Erase appointments' personal data, old conversations and stale Redis texts.

    Raises ``BookingUnavailable`` when the database cannot be reached, SQLAlchemy's or
    redis-py's errors for the tracker store and Redis.
    """
    policy = retention_policy(settings)
    runtime = booking_runtime(settings)
    with service.guard_database(), session_scope(runtime.engine) as session:
        erased = records.erase_expired(session=session, now=now, policy=runtime.policy)
    cutoff = policy.conversation_cutoff(now)
    conversations = _purge_tracker_store(settings, runtime.engine, cutoff)
    redis = asyncio.run(_purge_redis(settings.redis_url, cutoff)) if settings.redis_url else None
    return PurgeReport(
        now=now,
        policy=policy,
        tracker_store="postgresql" if settings.database_url else "sqlite",
        conversations=conversations,
        appointments_erased=erased,
        redis=redis,
    )
