"""The channels' errors: one tree, so routes can map each kind to one HTTP status.

``ChannelError``
 ├─ ``ChannelNotConfigured`` — the channel's credentials are not set (404: the route is off)
 ├─ ``BadSignature``         — the platform's signature or secret does not match (403)
 ├─ ``BadPayload``           — unreadable or unsafe XML/JSON (400)
 └─ ``DeliveryError``        — a message could not be pushed to the worker's channel
"""

from __future__ import annotations

__all__ = ["BadPayload", "BadSignature", "ChannelError", "ChannelNotConfigured", "DeliveryError"]


class ChannelError(Exception):
    """Base of every error raised by a channel adapter."""


class ChannelNotConfigured(ChannelError):
    """The channel's credentials are missing, so its routes are switched off."""


class BadSignature(ChannelError):
    """The request was not signed by the platform (or is a replay)."""


class BadPayload(ChannelError):
    """The body cannot be read safely (malformed, oversized, or with a DTD/entities)."""


class DeliveryError(ChannelError):
    """A message could not be sent to the worker through her channel."""
