"""Delete old conversations from Rasa's SQL tracker store (SQLite or PostgreSQL).

Rasa keeps one row per event in a table ``events`` (``sender_id``, ``timestamp`` as Unix
seconds, ``data`` as JSON; see ``SQLTrackerStore.SQLEvent`` in Rasa 3.6). Rasa has no
retention of its own, so a conversation whose last event is older than the cutoff is
deleted here with plain SQL — the engine needs no restart and keeps no copy (it loads a
tracker from the table on every message).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, delete, func, select
from sqlalchemy import inspect as sa_inspect

from bot.privacy.retention import ConversationPurge

__all__ = ["EVENTS", "purge_conversations"]

# Only the columns a purge needs; the table is created by Rasa, never by us.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)
BATCH = 500


def purge_conversations(*, engine: Engine, cutoff: datetime) -> ConversationPurge:
    """Delete every conversation whose last event is older than ``cutoff``.

    Only events older than the cutoff are deleted, so a worker who writes again while the
    purge runs keeps her new message. A database the engine never used (no ``events``
    table) has nothing to delete.
    """
    if not sa_inspect(engine).has_table(EVENTS.name):
        return ConversationPurge(conversations=0, events=0)
    before = cutoff.timestamp()
    stale = (
        select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(func.max(EVENTS.c.timestamp) < before)
    )
    deleted = 0
    with engine.begin() as connection:
        senders = list(connection.scalars(stale))
        for start in range(0, len(senders), BATCH):
            result = connection.execute(
                delete(EVENTS).where(
                    EVENTS.c.sender_id.in_(senders[start : start + BATCH]),
                    EVENTS.c.timestamp < before,
                )
            )
            deleted += result.rowcount
    return ConversationPurge(conversations=len(senders), events=deleted)
