"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.auth.errors import WeakPassword

__all__ = ["MIN_PASSWORD_LENGTH", "check_strength", "hash_password", "needs_rehash", "verify"]

MIN_PASSWORD_LENGTH = 10


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_strength(password: str) -> None:
    """Refuse passwords a guesser would try first (length; not all one kind of character)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符。")
    if password.isdigit() or password.isalpha() or len(set(password)) < 4:
        raise WeakPassword("密码太简单：请混合使用字母、数字或符号。")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A hash to verify against when the user does not exist, so that a wrong user name
# takes as long as a wrong password (no user-name probing by timing).
DUMMY_HASH = hash_password("not-a-real-password-0")
