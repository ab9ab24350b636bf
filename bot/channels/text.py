"""Turn replies into plain text for channels without rich widgets, and cut long texts.

WeChat shows a text of at most 2048 bytes per message and has no buttons in a chat; Telegram
allows 4096 characters. Buttons become numbered choices the worker answers with a digit.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation import Button, Reply

__all__ = ["choices_text", "render_plain", "split_bytes", "split_chars"]

# Break long texts preferably at a paragraph, then a sentence end, then a comma.
_BREAKS = ("\n\n", "\n", "。", "；", "！", "？", "，", " ")


def choices_text(buttons: Sequence[Button]) -> str:
    """Numbered choices, e.g. "回复数字选择：\n1. 怀孕被辞退"."""
    if not buttons:
        return ""
    lines = [f"{number}. {button.title}" for number, button in enumerate(buttons, start=1)]
    return "回复数字选择：\n" + "\n".join(lines)


def render_plain(replies: Sequence[Reply], *, numbered_buttons: bool = True) -> str:
    """All replies of one turn as one text: each reply, its citations, then the choices.

    Citations already written into the text (the knowledge answers put 〔依据：…〕 after each
    rule) are not repeated; the others follow as one 依据 line.
    """
    parts: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        block = reply.text.strip()
        missing = [c for c in reply.citations if c not in block]
        if missing:
            block += "\n依据：" + "；".join(missing)
        if block:
            parts.append(block)
        buttons.extend(reply.buttons)
    if numbered_buttons and buttons:
        parts.append(choices_text(buttons))
    return "\n\n".join(parts)


def _cut(text: str, fits: int) -> int:
    """Index at which to cut ``text`` so the first part has at most ``fits`` characters."""
    window = text[:fits]
    for mark in _BREAKS:
        at = window.rfind(mark)
        if at >= fits // 2:
            return at + len(mark)
    return fits


def split_chars(text: str, limit: int) -> list[str]:
    """Split into parts of at most ``limit`` characters, at natural breaks where possible."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        at = _cut(rest, limit)
        parts.append(rest[:at].strip())
        rest = rest[at:].strip()
    if rest:
        parts.append(rest)
    return parts


def split_bytes(text: str, limit: int) -> list[str]:
    """Split into parts of at most ``limit`` UTF-8 bytes (WeChat counts bytes, not characters)."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest.encode("utf-8")) > limit:
        # The longest prefix that fits in bytes, then a natural break inside it.
        low, high = 1, len(rest)
        while low < high:
            middle = (low + high + 1) // 2
            if len(rest[:middle].encode("utf-8")) <= limit:
                low = middle
            else:
                high = middle - 1
        at = _cut(rest, low)
        parts.append(rest[:at].strip())
        rest = rest[at:].strip()
    if rest:
        parts.append(rest)
    return parts
