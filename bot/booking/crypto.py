"""Phone numbers at rest: encrypted with Fernet, found again through a keyed hash.

Why both: the station must be able to call the worker back (so the number is
recoverable, by those holding the key), while looking a booking up by phone must not
require decrypting every row. The lookup hash is an HMAC under a key derived from the
same secret, so the database alone reveals neither the number nor a hash that could be
brute-forced without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from bot.booking.phone import normalise_phone

__all__ = ["PhoneCipher"]


def _derive(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), purpose, hashlib.sha256).digest()


class PhoneCipher:
    """Encrypt, decrypt and hash phone numbers under one configured secret.

    ``secret`` is ``PHONE_ENCRYPTION_KEY``: either a Fernet key or any long random string
    (a Fernet key is derived from it).
    """

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("PHONE_ENCRYPTION_KEY must be at least 16 characters")
        try:
            self._fernet = Fernet(secret.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            key = base64.urlsafe_b64encode(_derive(secret, b"hotline-phone-encryption"))
            self._fernet = Fernet(key)
        self._hash_key = _derive(secret, b"hotline-phone-lookup")

    def encrypt(self, phone: str) -> bytes:
        return self._fernet.encrypt(normalise_phone(phone).encode("ascii"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode("ascii")
        except InvalidToken as error:
            raise ValueError("phone ciphertext does not match PHONE_ENCRYPTION_KEY") from error

    def lookup_hash(self, phone: str) -> str:
        normal = normalise_phone(phone)
        return hmac.new(self._hash_key, normal.encode("ascii"), hashlib.sha256).hexdigest()
