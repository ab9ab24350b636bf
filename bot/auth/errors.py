"""Errors of ``bot.auth``; messages are Chinese, fit to show on a login page."""

from __future__ import annotations

__all__ = ["AuthError", "LoginRequired", "PermissionDenied", "UsernameTaken", "WeakPassword"]


class AuthError(Exception):
    """Base of every authentication and authorisation error."""


class WeakPassword(AuthError):
    """The password is too short or too simple."""


class UsernameTaken(AuthError):
    """An account with this user name exists."""


class LoginRequired(AuthError):
    """No valid session: the browser should be sent to the login page."""


class PermissionDenied(AuthError):
    """Logged in, but not allowed to see this."""
