"""Build what the booking service needs from the settings: database, cipher, policy.

One place, so that the gateway, the action server and the CLI agree on the key that
encrypts phone numbers and on the rules of the booking horizon and cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.booking.crypto import PhoneCipher
from bot.booking.policy import BookingPolicy
from bot.settings import Settings
from bot.store.db import engine_for

__all__ = ["BookingRuntime", "booking_runtime", "policy_from"]


@dataclass(frozen=True)
class BookingRuntime:
    engine: Engine
    cipher: PhoneCipher
    policy: BookingPolicy
    public_url: str


def policy_from(settings: Settings) -> BookingPolicy:
    """The booking rules configured by ``BOOKING_*`` settings."""
    return BookingPolicy(
        horizon_days=settings.booking_horizon_days,
        min_notice_hours=settings.booking_min_notice_hours,
        cutoff_hours=settings.booking_cutoff_hours,
        retention_days=settings.booking_retention_days,
    )


def booking_runtime(settings: Settings) -> BookingRuntime:
    """The process's database engine, phone cipher and policy for ``settings``."""
    return BookingRuntime(
        engine=engine_for(settings.effective_database_url),
        cipher=PhoneCipher(settings.dev_secret("phone_encryption_key")),
        policy=policy_from(settings),
        public_url=(settings.public_url or settings.effective_gateway_url).rstrip("/"),
    )
