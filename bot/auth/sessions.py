"""Signed session cookies: who is logged in, since when, and the session's CSRF token.

The cookie is signed (itsdangerous, keyed by ``SECRET_KEY`` and a per-console salt) and
expires; it is HttpOnly (no script can read it), SameSite=Strict (not sent on requests
from other sites) and Secure in production (HTTPS only). It holds no personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = ["SessionData", "SessionSigner", "password_fingerprint"]


@dataclass(frozen=True)
class SessionData:
    user_id: int
    password_fingerprint: str
    csrf_token: str

    @property
    def session_key(self) -> str:
        """A name for this session that reveals nothing of its token (recorded at logout)."""
        return "session:" + hashlib.sha256(self.csrf_token.encode()).hexdigest()[:32]


def password_fingerprint(secret: str, password_hash: str) -> str:
    """A short keyed digest of the password hash: a new password ends old sessions."""
    return hmac.new(secret.encode(), password_hash.encode(), hashlib.sha256).hexdigest()[:16]


class SessionSigner:
    def __init__(self, secret: str, *, salt: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=salt)
        self.max_age_s = max_age_s

    def issue(self, user_id: int, fingerprint: str) -> tuple[str, SessionData]:
        data = SessionData(user_id, fingerprint, secrets.token_urlsafe(24))
        token = self._serializer.dumps(
            {"u": data.user_id, "p": data.password_fingerprint, "c": data.csrf_token}
        )
        return token, data

    def read(self, token: str | None) -> SessionData | None:
        """The session in a valid, unexpired cookie value; None otherwise."""
        if not token:
            return None
        try:
            raw = self._serializer.loads(token, max_age=self.max_age_s)
        except BadSignature:
            return None
        if not isinstance(raw, dict):
            return None
        try:
            return SessionData(int(raw["u"]), str(raw["p"]), str(raw["c"]))
        except (KeyError, TypeError, ValueError):
            return None
