"""Phone numbers: validate, normalise and mask what a worker types.

Workers type 138 1234 5678, +86 13812345678, １３８１２３４５６７８ (full-width) or a
landline 0531-86123456. One normal form lets us find her booking again by phone and send
the station a number it can dial; the masked form is what lists show.
"""

from __future__ import annotations

import re
import unicodedata

from bot.booking.errors import InvalidPhone

__all__ = ["mask_phone", "normalise_phone"]

_SEPARATORS = re.compile(r"[\s\-－—–()（）.·]")
# re.ASCII: \d would otherwise accept any script's digits (e.g. Arabic-Indic ٨), which NFKC
# leaves alone and no telephone can dial.
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"0[1-9]\d{1,2}\d{7,8}", re.ASCII)


def normalise_phone(text: str) -> str:
    """The number in normal form: 11 digits for a mobile, ``0AAA-NNNNNNNN`` for a landline.

    Raises ``InvalidPhone`` with a message that says what a valid number looks like.
    """
    raw = unicodedata.normalize("NFKC", text or "").strip()
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    if _LANDLINE.fullmatch(digits):
        area_length = 3 if digits[1] in "12" else 4  # 010, 02X; others 0XXX
        return f"{digits[:area_length]}-{digits[area_length:]}"
    raise InvalidPhone(
        "这个电话号码好像不对。请发送11位手机号，例如 13812345678；"
        "或带区号的座机号，例如 0531-86123456。"
    )


def mask_phone(phone: str) -> str:
    """``138****5678`` — enough for staff to recognise a caller, not enough to dial."""
    digits = phone.replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
