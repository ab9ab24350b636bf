"""What the engine understood of one message: text, intent, entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Message"]


@dataclass(frozen=True)
class Message:
    """What the engine understood of one message."""

    text: str
    intent: str | None = None
    confidence: float = 1.0
    entities: tuple[dict[str, Any], ...] = ()

    def entity_values(self, name: str) -> list[str]:
        return [str(e.get("value")) for e in self.entities if e.get("entity") == name]

    def entity(self, name: str) -> str | None:
        values = self.entity_values(name)
        return values[0] if values else None
