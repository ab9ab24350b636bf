"""Rasa's SQL tracker store with personal data sealed before it reaches the ``events`` table.

Runs inside the engine (Python 3.10, ``.venv-rasa``); endpoints.yml names it as
``type: flows.tracker_store.EncryptingSQLTrackerStore`` with every option of Rasa's ``SQL``
store plus ``encryption_key``. It imports nothing from ``bot``: the engine has only Rasa's
dependencies (``cryptography`` among them) and this file.

Why: Rasa keeps every event of a conversation as JSON in clear — the worker's messages and
the booking form's name and phone slots. The booking store encrypts phone numbers at rest
(PIPL); a tracker table holding the same numbers in clear would undo that. Sealed, i.e.
encrypted with a key derived from ``PHONE_ENCRYPTION_KEY``, are:

- the value of the slots that hold a name or a phone number (``SEALED_SLOTS``);
- the text, parsed text and entities of a user or bot message that contains a phone-like
  number, an ID-card number, or a value one of those slots held in this conversation
  (her name as she typed it, her number echoed back).

Intents, actions and the other slots stay readable (debugging, statistics). A loaded tracker
is decrypted before Rasa rebuilds the conversation from it, so the booking form keeps its
slots across turns. Rows written before this store existed load unchanged. An event broker,
if one is ever configured, receives events in clear (Rasa streams them before saving).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

# Rasa lives only in the engine's venv; the project's mypy runs without it.
from rasa.core.tracker_store import SQLTrackerStore  # type: ignore[import-not-found]
from rasa.shared.core.events import SlotSet  # type: ignore[import-not-found]
from rasa.shared.core.trackers import DialogueStateTracker  # type: ignore[import-not-found]
from rasa.shared.nlu.constants import INTENT_NAME_KEY  # type: ignore[import-not-found]

__all__ = [
    "SEALED_KEY",
    "SEALED_SLOTS",
    "EncryptingSQLTrackerStore",
    "EventSealer",
    "contains_personal_data",
]

logger = logging.getLogger(__name__)

KEY_ENV = "PHONE_ENCRYPTION_KEY"
SEALED_KEY = "sealed"
SEALED_TEXT = "[sealed]"
SEALED_SLOTS: frozenset[str] = frozenset({"person_name", "phone", "lookup_key"})
MIN_VALUE_LENGTH = 2  # a one-character "name" would seal half the conversation

FieldPath = tuple[str, ...]
# Where each event type keeps text a worker typed or was shown, and what stands in for it.
Fields = tuple[tuple[FieldPath, Any], ...]
TEXT_FIELDS: dict[str, Fields] = {
    "user": (
        (("text",), SEALED_TEXT),
        (("parse_data", "text"), SEALED_TEXT),
        (("parse_data", "entities"), []),
    ),
    "bot": ((("text",), SEALED_TEXT), (("data",), {})),
    "entities": ((("entities",), []),),
    "action": ((("action_text",), None),),
}
SLOT_FIELDS: Fields = ((("value",), None),)

# Full-width digits become ASCII through NFKC; Chinese numerals are mapped one to one.
_CHINESE_DIGITS = str.maketrans("零〇一二三四五六七八九幺两", "0012345678912")
_PERSONAL_NUMBERS = re.compile(
    r"(?<!\d)(?:\+?86[\s\-]*)?1[3-9](?:[\s\-]*\d){9}(?!\d)"  # mobile, 138 1234 5678
    r"|(?<!\d)0\d{2,3}[\s\-]*\d{7,8}(?!\d)"  # landline with area code
    r"|(?<!\d)\d{17}[\dXx](?!\d)"  # resident ID card
)


def contains_personal_data(text: str, known_values: Iterable[str] = ()) -> bool:
    """Whether ``text`` holds a phone or ID-card number, or one of ``known_values``."""
    if not text:
        return False
    if any(value in text for value in known_values):
        return True
    digits = unicodedata.normalize("NFKC", text).translate(_CHINESE_DIGITS)
    return _PERSONAL_NUMBERS.search(digits) is not None


def _fernet_for(secret: str) -> Fernet:
    """A Fernet key of its own, derived from the phone key (never the same key twice)."""
    if len(secret) < 16:
        raise ValueError(f"{KEY_ENV} must be at least 16 characters")
    digest = hmac.new(secret.encode("utf-8"), b"hotline-tracker-encryption", hashlib.sha256)
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def _get(data: dict[str, Any], path: FieldPath) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(data: dict[str, Any], path: FieldPath, value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            return
        node = child
    if path[-1] in node:
        node[path[-1]] = value


class EventSealer:
    """Encrypts the personal parts of one serialised event, and restores them."""

    def __init__(self, secret: str, sealed_slots: Iterable[str] = SEALED_SLOTS) -> None:
        self._fernet = _fernet_for(secret)
        self._sealed_slots = frozenset(sealed_slots)

    def known_values(self, events: Iterable[Any]) -> frozenset[str]:
        """Every value a sealed slot held in these events: her name and number as given."""
        values = set()
        for event in events:
            if not isinstance(event, SlotSet) or event.key not in self._sealed_slots:
                continue
            if isinstance(event.value, str) and len(event.value.strip()) >= MIN_VALUE_LENGTH:
                values.add(event.value.strip())
        return frozenset(values)

    def _fields(self, data: dict[str, Any], known: frozenset[str]) -> Fields:
        kind = data.get("event")
        if kind == "slot":
            sealed = data.get("name") in self._sealed_slots and data.get("value") not in (None, "")
            return SLOT_FIELDS if sealed else ()
        fields = TEXT_FIELDS.get(str(kind), ())
        for path, _ in fields:
            value = _get(data, path)
            if value in (None, "", [], {}):
                continue
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            if contains_personal_data(text, known):
                return fields
        return ()

    def seal(self, data: dict[str, Any], known: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The event as it may be stored: personal fields replaced, their values encrypted."""
        fields = self._fields(data, known)
        if not fields:
            return data
        sealed = copy.deepcopy(data)
        originals = []
        for path, placeholder in fields:
            value = _get(data, path)
            if value is not None:
                originals.append([list(path), value])
                _set(sealed, path, copy.deepcopy(placeholder))
        payload = json.dumps(originals, ensure_ascii=False).encode("utf-8")
        sealed[SEALED_KEY] = self._fernet.encrypt(payload).decode("ascii")
        return sealed

    def unseal(self, data: dict[str, Any]) -> dict[str, Any]:
        """The event as Rasa wrote it. A value this key cannot decrypt stays a placeholder."""
        token = data.pop(SEALED_KEY, None)
        if token is None:
            return data
        try:
            originals = json.loads(self._fernet.decrypt(str(token).encode("ascii")))
        except (InvalidToken, ValueError):
            logger.warning("A sealed tracker event cannot be decrypted (was the key changed?).")
            return data
        for path, value in originals:
            _set(data, tuple(path), value)
        return data


class EncryptingSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """``SQLTrackerStore`` whose rows hold no name or phone number in clear.

    ``encryption_key`` (from endpoints.yml) or the ``PHONE_ENCRYPTION_KEY`` environment
    variable is required: without a key the engine refuses to start rather than store
    personal data in clear.
    """

    def __init__(
        self,
        *args: Any,
        encryption_key: str | None = None,
        sealed_slots: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        secret = encryption_key or os.environ.get(KEY_ENV)
        if not secret:
            raise ValueError(
                f"EncryptingSQLTrackerStore needs encryption_key in endpoints.yml or {KEY_ENV}"
            )
        self.sealer = EventSealer(secret, sealed_slots or SEALED_SLOTS)
        super().__init__(*args, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, sealed (same rows and columns as Rasa's store).

        A name or number that becomes known only now (she gave her name in her first
        message, the form set the slot later) is sealed in the rows already stored, too.
        """
        await self.stream_events(tracker)
        known = self.sealer.known_values(tracker.events)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            stored = list(tracker.events)[: len(tracker.events) - len(new_events)]
            if known - self.sealer.known_values(stored):
                self._reseal_stored(session, tracker.sender_id, known)
            rows = []
            for event in new_events:
                data = event.as_dict()
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": intent,
                        "action_name": data.get("name"),
                        "data": json.dumps(self.sealer.seal(data, known)),
                    }
                )
            if rows:
                # One multi-row INSERT instead of an ORM object per event: the same rows,
                # a fraction of the engine's CPU per turn.
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
        logger.debug("Tracker stored to database (personal data sealed).")

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterable[Any]:
        """The tracker's events not stored yet (Rasa's rule, with a plain COUNT query).

        Rasa's version counts with ``Query.count()``, which selects every column of every
        stored event of the session in a subquery; counting ids gives the same number.
        """
        query = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False)
        stored = query.order_by(None).with_entities(sa.func.count(self.SQLEvent.id)).scalar() or 0
        return list(tracker.events)[stored:]

    def _reseal_stored(self, session: Any, sender_id: str, known: frozenset[str]) -> None:
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=True)
        for row in query:
            data = json.loads(row.data)
            if SEALED_KEY in data:
                continue
            sealed = self.sealer.seal(data, known)
            if sealed is not data:
                row.data = json.dumps(sealed)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            query = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            )
            # Only the JSON column: building an ORM object per row was most of the cost.
            rows = query.with_entities(self.SQLEvent.data).all()
            events = [self.sealer.unseal(json.loads(row.data)) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None
