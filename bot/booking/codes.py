"""Confirmation codes a worker can read out on the phone without confusion."""

from __future__ import annotations

import re
import secrets

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "looks_like_code", "new_code"]

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud to hotline operators and front desks.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 6
_CODE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    """A random code; 25⁶ ≈ 244 million values, so guessing one is impractical."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def looks_like_code(text: str) -> str | None:
    """The code in ``text`` (any case, spaces ignored), or None."""
    compact = re.sub(r"\s", "", text or "").upper()
    match = _CODE.search(compact)
    return match.group(0) if match else None
