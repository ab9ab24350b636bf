"""Normalise how workers name the three periods (孕期/产期/哺乳期/三期) to ``Period``."""

from __future__ import annotations

from knowledge.models import Period

__all__ = ["parse_period"]

_WORDS: dict[str, Period] = {
    "孕期": Period.pregnancy,
    "怀孕": Period.pregnancy,
    "怀孕期间": Period.pregnancy,
    "妊娠期": Period.pregnancy,
    "产期": Period.maternity,
    "产假": Period.maternity,
    "产假期间": Period.maternity,
    "生育": Period.maternity,
    "坐月子": Period.maternity,
    "哺乳期": Period.nursing,
    "哺乳": Period.nursing,
    "喂奶": Period.nursing,
    "三期": Period.all,
}


def parse_period(value: str | None) -> Period | None:
    """``pregnancy`` / ``孕期`` / … → ``Period.pregnancy``; unknown words → None."""
    if not value:
        return None
    cleaned = value.strip()
    try:
        return Period(cleaned)
    except ValueError:
        return _WORDS.get(cleaned)
