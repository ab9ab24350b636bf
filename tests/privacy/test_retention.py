"""The retention rules, without any database: what a purge does with a Redis text key, and
which periods are allowed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.privacy.retention import RetentionPolicy, verdict_for_key
from bot.settings import Settings

NOW = datetime(2026, 12, 2, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=90)


@pytest.mark.parametrize(
    ("ttl_s", "newest_at", "verdict"),
    [
        pytest.param(600, CUTOFF.timestamp() - 1, "keep", id="expires-by-itself-even-if-old"),
        pytest.param(-2, None, "keep", id="already-gone"),
        pytest.param(-1, CUTOFF.timestamp() - 1, "delete", id="no-expiry-and-old"),
        pytest.param(-1, CUTOFF.timestamp() + 1, "expire", id="no-expiry-and-recent"),
        pytest.param(-1, None, "expire", id="no-expiry-and-age-unknown"),
    ],
)
def test_a_text_key_is_never_kept_forever(
    ttl_s: int, newest_at: float | None, verdict: str
) -> None:
    assert verdict_for_key(ttl_s=ttl_s, newest_at=newest_at, cutoff=CUTOFF) == verdict


def test_conversations_are_kept_their_retention_days_after_the_last_message() -> None:
    policy = RetentionPolicy(conversation_days=90, booking_days=180)
    assert policy.conversation_cutoff(NOW) == CUTOFF


@pytest.mark.parametrize("days", [0, -5])
def test_a_retention_period_of_less_than_a_day_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        RetentionPolicy(conversation_days=days, booking_days=180)
    with pytest.raises(ValueError):
        Settings(_env_file=None, conversation_retention_days=days)


def test_conversations_are_kept_ninety_days_unless_configured() -> None:
    assert Settings(_env_file=None).conversation_retention_days == 90
