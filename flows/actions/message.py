"""What the engine understood of one message: text, intent, entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Message", "simplified"]

#: Traditional forms the engine's normaliser sometimes leaves in entity values ("四個月"),
#: which the number parsers do not read.
_TRADITIONAL = str.maketrans("個週歲號兩雙胎產輩幾", "个周岁号两双胎产辈几")


def simplified(value: str) -> str:
    return value.translate(_TRADITIONAL)


@dataclass(frozen=True)
class Message:
    """What the engine understood of one message."""

    text: str
    intent: str | None = None
    confidence: float = 1.0
    entities: tuple[dict[str, Any], ...] = ()

    def entity_values(self, name: str) -> list[str]:
        return [simplified(str(e.get("value"))) for e in self.entities if e.get("entity") == name]

    def entity(self, name: str) -> str | None:
        values = self.entity_values(name)
        return values[0] if values else None
