"""Drive the encrypting tracker store inside the engine's venv (Python 3.10, Rasa 3.6).

Run by tests/privacy/test_tracker_encryption.py as
``.venv-rasa/bin/python tests/privacy/engine_probe.py save|load CONFIG_JSON``; prints one
JSON object. CONFIG_JSON is the ``tracker_store`` section bot/engine/config.py writes to
endpoints.yml, so the store is built exactly as the engine builds it (Rasa's own
``TrackerStore.create``), and a store Rasa could not load would show up as the wrong type
instead of silently falling back to memory.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

# Rasa lives only in the engine's venv; the project's mypy runs without it.
from rasa.core.tracker_store import TrackerStore  # type: ignore[import-not-found]
from rasa.shared.core.domain import Domain  # type: ignore[import-not-found]
from rasa.shared.core.events import (  # type: ignore[import-not-found]
    ActionExecuted,
    BotUttered,
    SlotSet,
    UserUttered,
)
from rasa.utils.endpoints import EndpointConfig  # type: ignore[import-not-found]

SENDER = "cli:probe-worker"
SLOTS = ("person_name", "phone", "booking_city")
DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [inform, affirm, book_appointment]
slots:
  person_name: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  phone: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  booking_city: {type: text, influence_conversation: false, mappings: [{type: custom}]}
"""
)


def _user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> UserUttered:
    found = {"name": intent, "confidence": 0.9}
    parse = {"text": text, "intent": found, "entities": entities or []}
    return UserUttered(text, found, entities or [], parse_data=parse)


# A booking conversation; each turn is saved on its own, as the engine does. She gives her
# name in her first message, before the form asks for it (and sets the slot).
TURNS = [
    [_user("你好，我叫王小花，想预约", "book_appointment"), BotUttered("您在哪个城市？")],
    [
        _user("我在济南", "inform"),
        SlotSet("booking_city", "济南"),
        BotUttered("请告诉我您的姓名。"),
    ],
    [
        _user("王小花", "inform"),
        SlotSet("person_name", "王小花"),
        BotUttered("请留一个手机号。"),
    ],
    [
        _user(
            "１３９ 0011 2233",
            "inform",
            [{"entity": "phone", "value": "13900112233", "start": 0, "end": 13}],
        ),
        SlotSet("phone", "13900112233"),
        BotUttered("请核对预约信息：王小花，139****2233。"),
        _user("好的", "affirm"),
        ActionExecuted("action_listen"),
    ],
]


async def save(store: TrackerStore) -> dict[str, Any]:
    for turn in TURNS:
        tracker = await store.get_or_create_tracker(SENDER)
        for event in turn:
            tracker.update(event)
        await store.save(tracker)
    return {}


async def load(store: TrackerStore) -> dict[str, Any]:
    tracker = await store.retrieve(SENDER)
    assert tracker is not None
    return {
        "slots": {name: tracker.get_slot(name) for name in SLOTS},
        "user_texts": [e.text for e in tracker.events if isinstance(e, UserUttered)],
        "bot_texts": [e.text for e in tracker.events if isinstance(e, BotUttered)],
        "entities": [e.entities for e in tracker.events if isinstance(e, UserUttered)],
    }


def main() -> None:
    command, config = sys.argv[1], json.loads(sys.argv[2])
    store = TrackerStore.create(EndpointConfig.from_dict(config), domain=DOMAIN)
    inner = getattr(store, "_tracker_store", store)  # Rasa may wrap it for async
    result = asyncio.run(save(store) if command == "save" else load(store))
    result["store_type"] = type(inner).__name__
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
