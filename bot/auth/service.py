"""Database functions for accounts: keyword-only, typed; the caller commits once."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.auth.errors import AuthError, UsernameTaken
from bot.auth.passwords import DUMMY_HASH, check_strength, hash_password, needs_rehash, verify
from bot.store.models import AuditEvent, Station, User, UserRole

__all__ = [
    "authenticate",
    "create_user",
    "end_session",
    "get_user",
    "session_ended",
    "set_password",
]

_USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,63}")


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: UserRole,
    station_id: int | None = None,
    display_name: str | None = None,
) -> User:
    """A new account. Staff must name their station; passwords are checked and hashed."""
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise AuthError("用户名只能用小写字母、数字和 . _ -，3到64个字符。")
    check_strength(password)
    if role == UserRole.staff:
        if station_id is None:
            raise AuthError("工作站工作人员的账号必须指定所属工作站（--station）。")
        if session.get(Station, station_id) is None:
            raise AuthError(f"没有编号为 {station_id} 的工作站。")
    if session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise UsernameTaken(f"用户名 {username} 已经存在。")
    user = User(
        username=username,
        display_name=(display_name or username)[:64],
        password_hash=hash_password(password),
        role=role,
        station_id=station_id if role != UserRole.admin else None,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace the password (every existing session of the user ends with it)."""
    check_strength(password)
    user.password_hash = hash_password(password)
    session.flush()


def get_user(*, session: Session, user_id: int) -> User | None:
    """An active account by id."""
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def authenticate(*, session: Session, username: str, password: str, now: datetime) -> User | None:
    """The active account with these credentials, or None (in the same time either way)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        verify(DUMMY_HASH, password)
        return None
    if not verify(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.flush()
    return user


LOGOUT = "logout"


def end_session(*, session: Session, user_id: int, session_key: str, now: datetime) -> None:
    """Record a logout in the audit log; from then on every copy of that cookie is refused.

    Why: a session cookie is signed, not stored, so deleting it from one browser would
    leave a copied value (another tab, a shared computer, a stolen cookie) valid until it
    expires. The record is in the database, so every gateway process sees it.
    """
    session.add(AuditEvent(user_id=user_id, action=LOGOUT, detail=session_key, at=now))
    session.flush()


def session_ended(*, session: Session, user_id: int, session_key: str) -> bool:
    """Whether this session was logged out (``end_session``)."""
    found = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.user_id == user_id,
            AuditEvent.action == LOGOUT,
            AuditEvent.detail == session_key,
        )
    )
    return bool(found)
