"""Unguessable links a worker can open without logging in (the ``.ics`` file).

The link carries the confirmation code signed with ``SECRET_KEY``: knowing someone's
code is not enough to build it, and the file holds no phone number anyway.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

__all__ = ["calendar_path", "calendar_token", "code_from_token"]

_SALT = "appointment-ics"


def calendar_token(secret: str, code: str) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps(code)


def code_from_token(secret: str, token: str) -> str | None:
    """The confirmation code in a valid token, else None."""
    try:
        value = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def calendar_path(secret: str, code: str) -> str:
    """The gateway path serving the appointment's ``.ics`` file."""
    return f"/appointments/{calendar_token(secret, code)}.ics"
