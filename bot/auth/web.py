"""FastAPI glue of ``bot.auth``: the current user, login and logout, CSRF checks.

Each console makes one ``AuthConfig`` (cookie name, login path, roles allowed) and calls
these functions from its routes; nothing here knows which console it serves.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import redis.asyncio as aioredis
from fastapi import Request, Response
from sqlalchemy import Engine

from bot.auth import service
from bot.auth.errors import LoginRequired, PermissionDenied
from bot.auth.ratelimit import LoginRateLimiter
from bot.auth.sessions import SessionData, SessionSigner, password_fingerprint
from bot.store.db import session_scope
from bot.store.models import User, UserRole

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "AuthConfig",
    "LoginResult",
    "check_csrf",
    "current_session",
    "current_user",
    "login",
    "login_csrf_token",
    "logout",
    "set_login_csrf_cookie",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_CSRF_COOKIE_SUFFIX = "_login_csrf"


@dataclass(frozen=True)
class AuthConfig:
    """One console's authentication: its cookie, its login page, who may enter."""

    cookie_name: str
    login_path: str
    roles: frozenset[UserRole]
    secret: str
    secure_cookies: bool
    cookie_path: str = "/"
    max_age_s: int = 8 * 3600

    @property
    def signer(self) -> SessionSigner:
        return SessionSigner(
            self.secret, salt=f"session:{self.cookie_name}", max_age_s=self.max_age_s
        )

    def fingerprint(self, user: User) -> str:
        return password_fingerprint(self.secret, user.password_hash)


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def current_session(request: Request, config: AuthConfig) -> SessionData | None:
    return config.signer.read(request.cookies.get(config.cookie_name))


def current_user(
    request: Request, config: AuthConfig, database: Engine
) -> tuple[User, SessionData]:
    """The logged-in user and the session; ``LoginRequired`` / ``PermissionDenied`` otherwise."""
    data = current_session(request, config)
    if data is None:
        raise LoginRequired("请先登录。")
    with session_scope(database) as session:
        user = service.get_user(session=session, user_id=data.user_id)
        if user is None or config.fingerprint(user) != data.password_fingerprint:
            raise LoginRequired("登录已失效，请重新登录。")
        if service.session_ended(session=session, user_id=user.id, session_key=data.session_key):
            raise LoginRequired("您已退出登录，请重新登录。")
        session.expunge(user)
    if user.role not in config.roles:
        raise PermissionDenied("您的账号不能使用这个页面。")
    return user, data


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_csrf_token(request: Request, config: AuthConfig) -> str:
    """The login form's CSRF token: the browser's current one, or a new one.

    Double-submit: there is no session before login, so the token lives in its own
    cookie (``set_login_csrf_cookie``) and must come back in the form.
    """
    name = config.cookie_name + LOGIN_CSRF_COOKIE_SUFFIX
    return request.cookies.get(name) or secrets.token_urlsafe(24)


def set_login_csrf_cookie(response: Response, config: AuthConfig, token: str) -> None:
    response.set_cookie(
        config.cookie_name + LOGIN_CSRF_COOKIE_SUFFIX,
        token,
        httponly=True,
        samesite="strict",
        secure=config.secure_cookies,
        path=config.cookie_path,
        max_age=3600,
    )


async def login(
    request: Request,
    response: Response,
    *,
    config: AuthConfig,
    database: Engine,
    redis_client: aioredis.Redis,
    username: str,
    password: str,
    csrf_token: str,
) -> LoginResult:
    """Check the login form's CSRF token and the rate limit, then the password.

    On success the session cookie is set on ``response``. Failures say what to do next
    but never whether the user name exists.
    """
    expected = request.cookies.get(config.cookie_name + LOGIN_CSRF_COOKIE_SUFFIX, "")
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, i.e. a 500).
    if not expected or not hmac.compare_digest(expected.encode(), (csrf_token or "").encode()):
        return LoginResult(None, "页面已过期，请刷新后重新登录。")
    limiter = LoginRateLimiter(redis_client, prefix=f"login:{config.cookie_name}")
    address = client_address(request)
    wait = await limiter.retry_after(username, address)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        return LoginResult(None, f"登录失败次数太多，请{minutes}分钟后再试。")
    user = await asyncio.to_thread(_authenticate, database, username, password)
    if user is None or user.role not in config.roles:
        await limiter.failed(username, address)
        return LoginResult(None, "用户名或密码不对。")
    await limiter.succeeded(username, address)
    token, _ = config.signer.issue(user.id, config.fingerprint(user))
    response.set_cookie(
        config.cookie_name,
        token,
        httponly=True,
        samesite="strict",
        secure=config.secure_cookies,
        path=config.cookie_path,
        max_age=config.max_age_s,
    )
    return LoginResult(user)


def _authenticate(database: Engine, username: str, password: str) -> User | None:
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop.
    with session_scope(database) as session:
        user = service.authenticate(
            session=session, username=username, password=password, now=datetime.now(UTC)
        )
        if user is not None:
            session.flush()
            session.expunge(user)
    return user


def logout(response: Response, config: AuthConfig, *, database: Engine, data: SessionData) -> None:
    """End the session for good: the cookie is deleted and the logout recorded, so that a
    copy of the cookie kept elsewhere no longer opens anything (``service.end_session``)."""
    with session_scope(database) as session:
        service.end_session(
            session=session,
            user_id=data.user_id,
            session_key=data.session_key,
            now=datetime.now(UTC),
        )
    response.delete_cookie(
        config.cookie_name,
        path=config.cookie_path,
        secure=config.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def check_csrf(data: SessionData, submitted: str | None) -> bool:
    """Whether a state-changing request carries this session's CSRF token."""
    return bool(submitted) and hmac.compare_digest(
        data.csrf_token.encode(), (submitted or "").encode()
    )
