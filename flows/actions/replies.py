"""What the walkthrough says, as channel-neutral messages with their citations.

A message is sent as Rasa's ``json_message`` ({"text", "citations", "buttons"}), the shape
``flows.actions.answers`` uses, so every channel shows the text, the legal basis and the
choices together (Rasa's REST channel would split a plain text at blank lines).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.citations import cite
from knowledge.errors import KnowledgeError

__all__ = ["Button", "Paragraph", "Say", "chinese_date", "cited_text", "labels"]


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Paragraph:
    """One statement and the provisions it rests on (empty for advice that states no rule)."""

    text: str
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Say:
    """One message to the worker."""

    text: str
    citations: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()
    handoff: str | None = None  # "asked" or "fallback": the gateway hands her to a person
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text, "citations": list(self.citations)}
        if self.buttons:
            body["buttons"] = [button.as_dict() for button in self.buttons]
        if self.handoff:
            body["handoff"] = self.handoff
        body.update(self.extra)
        return body


def labels(provision_ids: Iterable[str]) -> list[str]:
    """Citation texts for provision ids, in order, without repeats.

    An id the knowledge base does not hold is left out rather than shown raw; the tests
    check that every id the walkthrough cites exists.
    """
    seen: dict[str, None] = {}
    for provision_id in provision_ids:
        try:
            seen.setdefault(cite(provision_id), None)
        except KnowledgeError:
            continue
    return list(seen)


def cited_text(
    paragraphs: Sequence[Paragraph], *, title: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """Paragraphs joined into one text, each rule followed by 〔依据：…〕, and all citations.

    Why inline: the worker sees which article supports which sentence, as in
    ``knowledge.render``; the list of citations travels with the message as well.
    """
    lines: list[str] = [f"【{title}】"] if title else []
    every: list[str] = []
    for paragraph in paragraphs:
        cited = labels(paragraph.cites)
        every.extend(cited)
        lines.append(f"{paragraph.text}〔依据：{'、'.join(cited)}〕" if cited else paragraph.text)
    return "\n".join(lines), tuple(dict.fromkeys(every))


def chinese_date(day: date) -> str:
    """2026年3月10日: how dates read in every reply."""
    return f"{day.year}年{day.month}月{day.day}日"
