"""Dates in a worker's message, read for the role they play in her case.

The engine tags a date span and guesses its role (birth, due, event); ``nlu.extraction``
turns the span into a date. This module mends what the two miss in conversation: a span cut
in two ("2026年" + "11月16日"), a relative month the parser cannot read ("上个月"), and a
role the words make plain ("上个月生的" is a birth, whatever the engine guessed).
"""

from __future__ import annotations

import re
from datetime import date

from flows.actions.message import Message
from nlu.extraction import DateValue, ExtractionError, extract_facts, parse_date

__all__ = ["date_for", "dates_by_role", "months_named"]

_RELATIVE_MONTHS = {
    "上上个月": -2,
    "上个月": -1,
    "这个月": 0,
    "本月": 0,
    "下个月": 1,
    "下下个月": 2,
}


def months_named(text: str, today: date) -> str:
    """ "上个月" → "2026年10月": the date parser reads a named month but not a relative one."""
    for word, shift in sorted(_RELATIVE_MONTHS.items(), key=lambda item: -len(item[0])):
        if word in text:
            index = today.year * 12 + today.month - 1 + shift
            text = text.replace(word, f"{index // 12}年{index % 12 + 1}月")
    return text


def _parse(span: str, role: str | None, today: date) -> DateValue:
    return parse_date(months_named(span, today), role=role, today=today)


def _date_spans(message: Message) -> list[tuple[str, int | None, str | None]]:
    """Date entity spans (text, end offset, role); spans the engine cut in two
    ("2026年" + "11月16日") are joined again."""
    spans: list[tuple[str, int | None, str | None]] = []
    last_end: int | None = None
    for entity in message.entities:
        if entity.get("entity") != "date":
            continue
        value, start, end = str(entity.get("value")), entity.get("start"), entity.get("end")
        if spans and start is not None and start == last_end:
            text, _, role = spans[-1]
            spans[-1] = (text + value, end, role)
        else:
            spans.append((value, end, entity.get("role")))
        last_end = end
    return spans


def _context_role(message: Message, end: int | None, role: str | None) -> str | None:
    """The role the words after a date make clear ("上个月生的" is a birth, whatever the
    engine guessed)."""
    if end is None:
        return role
    after = message.text[end : end + 4]
    if re.match(r"(生的|生了|出生|生下|生产|分娩|剖|顺)", after):
        return "birth"
    if "预产" in message.text[max(0, end - 12) : end]:
        return "due"
    return role


def date_for(message: Message, role: str, today: date) -> DateValue | None:
    """The date in the message, read as ``role`` (past for births, future for due dates).

    An exact day is preferred to a vague one ("2026年" alone would be the whole year).
    """
    found: list[DateValue] = []
    for span, _, _ in _date_spans(message):
        try:
            found.append(_parse(span, role, today))
        except ExtractionError:
            continue
    if not any(value.exact for value in found):
        found += [_turn(value, role, message.text, today) for value in _text_dates(message, today)]
    exact = [value for value in found if value.exact]
    best = exact or found
    return best[0] if best else None


def _text_dates(message: Message, today: date) -> list[DateValue]:
    return extract_facts(months_named(message.text, today), [], today=today).dates


def _turn(value: DateValue, role: str, text: str, today: date) -> DateValue:
    """A date found in free text, moved a year when its role says past or future."""
    if "年" in text or re.search(r"\d{4}[-./]", text):
        return value
    if role in ("birth", "event") and value.start > today:
        return parse_date(f"去年{value.start.month}月{value.start.day}日", role=role, today=today)
    if role == "due" and value.end < today:
        return parse_date(f"明年{value.start.month}月{value.start.day}日", role=role, today=today)
    return value


def dates_by_role(message: Message, today: date) -> dict[str, DateValue]:
    """Dates whose role the engine or the words make clear (for facts not asked for)."""
    found: dict[str, DateValue] = {}
    for span, end, role in _date_spans(message):
        role = _context_role(message, end, role)
        if role not in ("birth", "due", "event") or role in found:
            continue
        try:
            found[role] = _parse(span, role, today)
        except ExtractionError:
            continue
    if not found:
        facts = extract_facts(months_named(message.text, today), [], today=today)
        found = {d.role: d for d in reversed(facts.dates) if d.role in ("birth", "due", "event")}
    return found
