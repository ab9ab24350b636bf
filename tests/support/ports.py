"""Free TCP ports on loopback for servers the tests start."""

from __future__ import annotations

from bot.devservices import free_port

__all__ = ["free_port"]
