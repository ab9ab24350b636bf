"""Turn the engine's entity spans into facts the calculators can use.

The engine finds *where* a date, an age or an amount is ("去年3月5号", "七个月", "宝宝半岁",
"三千五"); this module works out *what* it is — an ISO date, a number of months, a number of
babies, an amount in yuan — with jionlp (Chinese time expressions) and cn2an (Chinese
numerals). It runs in the actions (Python 3.11), not in the engine.

Why role-aware dates: "3月5号" said about a birth is in the past, said about an
appointment it is in the future; the role (birth, due, event, appointment) decides.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import cn2an

__all__ = [
    "DateValue",
    "ExtractionError",
    "Facts",
    "extract_facts",
    "normalise_entities",
    "parse_babies",
    "parse_date",
    "parse_money",
    "parse_months",
    "parse_pregnancy_weeks",
]

EXPLICIT_YEAR = re.compile(
    r"\d{2,4}年|[去今明前后]年|[上下]一?年|[零〇一二三四五六七八九]{2,4}年|\d{4}[-./]"
)
PAST_ROLES = frozenset({"birth", "event"})
# A date, age or amount is a few words; a longer "span" is noise, and a number of hundreds
# of digits would overflow the arithmetic below (float infinity, int() digit limits).
MAX_SPAN_CHARS = 64
FUTURE_ROLES = frozenset({"due", "appointment"})


class ExtractionError(ValueError):
    """A span could not be understood; the message is shown to nobody, only logged."""


def _short(text: str) -> str:
    if len(text) > MAX_SPAN_CHARS:
        raise ExtractionError(f"span of {len(text)} characters is too long")
    return text


@dataclass(frozen=True)
class DateValue:
    """A calendar date, or a span when the worker was vague ("明年二月", "五月初")."""

    start: date
    end: date
    role: str | None
    exact: bool

    @property
    def iso(self) -> str:
        return self.start.isoformat() if self.exact else f"{self.start}/{self.end}"


@dataclass
class Facts:
    """Everything normalised from one message; absent facts stay None or empty."""

    dates: list[DateValue] = field(default_factory=list)
    pregnancy_weeks: int | None = None
    child_age_months: int | None = None
    babies: int | None = None
    money: Decimal | None = None
    problems: list[str] = field(default_factory=list)

    def date_for(self, role: str) -> DateValue | None:
        return next((d for d in self.dates if d.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dates": [
                {
                    "role": d.role,
                    "date": d.iso,
                    "start": d.start.isoformat(),
                    "end": d.end.isoformat(),
                }
                for d in self.dates
            ],
            "pregnancy_weeks": self.pregnancy_weeks,
            "child_age_months": self.child_age_months,
            "babies": self.babies,
            "money": str(self.money) if self.money is not None else None,
        }


@cache
def _jionlp() -> Any:
    """Import jionlp once, without its import-time banner reaching standard output."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    return jionlp


def _numerals_to_digits(text: str) -> str:
    """三 → 3, 十二 → 12, 叁 → 3 inside a phrase; non-numeral characters untouched."""
    try:
        return str(cn2an.transform(text, "cn2an"))
    except (ValueError, KeyError):
        return text


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_date(text: str, *, role: str | None = None, today: date) -> DateValue:
    """An absolute or relative Chinese date expression as a date (or span).

    Without a year, the role decides the direction: births and events lie in the past,
    due dates and appointments in the future.
    """
    cleaned = re.sub(r"^(预产期是?|预产期在|生于|在)", "", _short(text).strip())
    base = datetime(today.year, today.month, today.day, 12, 0, 0).timestamp()
    try:
        parsed = _jionlp().parse_time(cleaned, time_base=base)
    except Exception as error:  # jionlp raises bare ValueError/TypeError/IndexError variants
        raise ExtractionError(f"not a date: {text!r}") from error
    if parsed.get("type") not in ("time_point", "time_span"):
        raise ExtractionError(f"not a calendar date: {text!r}")
    try:
        start = datetime.fromisoformat(parsed["time"][0]).date()
        end = datetime.fromisoformat(parsed["time"][1]).date()
    except ValueError as error:  # an open span ("3月5号之前") ends at "-inf" / "inf"
        raise ExtractionError(f"not a bounded date: {text!r}") from error
    has_year = bool(EXPLICIT_YEAR.search(cleaned))
    if not has_year and role in PAST_ROLES and start > today:
        start, end = _shift_year(start, -1), _shift_year(end, -1)
    if not has_year and role in FUTURE_ROLES and end < today:
        start, end = _shift_year(start, 1), _shift_year(end, 1)
    exact = start == end or (
        parsed.get("definition") == "accurate" and (end - start) < timedelta(days=1)
    )
    return DateValue(start=start, end=end, role=role, exact=exact)


_TRADITIONAL = str.maketrans({"個": "个", "歲": "岁", "兩": "两", "週": "周", "倆": "俩"})


def parse_months(text: str) -> int:
    """An age or duration in whole months: 七个月 → 7, 半岁 → 6, 两岁半 → 30, 1岁3个月 → 15."""
    phrase = _numerals_to_digits(
        _short(text).strip().translate(_TRADITIONAL).replace("两", "二").replace("俩", "二")
    )
    phrase = phrase.replace("个半月", ".5个月")
    if phrase in ("半岁", "半年"):
        return 6
    months = 0.0
    half = "半" in phrase
    years = re.search(r"(\d+(?:\.\d+)?)\s*(?:周?岁|年)", phrase)
    month = re.search(r"(\d+(?:\.\d+)?)\s*(?:个)?月", phrase)
    weeks = re.search(r"(\d+)\s*(?:周|星期)", phrase)
    days = re.search(r"(\d+)\s*(?:天)", phrase)
    if years:
        months += float(years.group(1)) * 12 + (6 if half and not month else 0)
    if month:
        months += float(month.group(1)) + (0.5 if half and not years else 0)
    if weeks and not (years or month):
        months += int(weeks.group(1)) * 7 / 30.4375
    if days and not (years or month or weeks):
        months += int(days.group(1)) / 30.4375
    if months == 0 and not re.search(r"\d", phrase):
        raise ExtractionError(f"no duration in {text!r}")
    return int(months)


def parse_pregnancy_weeks(text: str) -> int:
    """Weeks of pregnancy: 28周 → 28; 七个月 → 30 (completed months × 4⅓, rounded down)."""
    phrase = _numerals_to_digits(_short(text).strip())
    weeks = re.search(r"(\d+)\s*(?:周|星期)", phrase)
    if weeks:
        return int(weeks.group(1))
    return int(parse_months(text) * 52 / 12)


_BABIES = {"双胞胎": 2, "龙凤胎": 2, "双胎": 2, "双生": 2, "三胞胎": 3, "四胞胎": 4, "单胎": 1}


def parse_babies(text: str) -> int:
    """Number of babies: 双胞胎 → 2, 三胞胎 → 3, "2" → 2."""
    cleaned = _short(text).strip()
    for word, count in _BABIES.items():
        if word in cleaned:
            return count
    digits = re.search(r"\d+", _numerals_to_digits(cleaned.replace("两", "二").replace("俩", "二")))
    if digits and 1 <= int(digits.group()) <= 9:
        return int(digits.group())
    raise ExtractionError(f"no number of babies in {text!r}")


def parse_money(text: str) -> Decimal:
    """An amount in yuan: 3000块 → 3000, 三千五 → 3500, 1.2万 → 12000, 叁仟元 → 3000."""
    cleaned = re.sub(r"(块钱|块|元|人民币|rmb|RMB|¥|￥|左右|多)", "", text.strip()).replace(",", "")
    cleaned = cleaned.replace("仟", "千").replace("佰", "百").replace("萬", "万")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(万|千|k|K)?", cleaned)
    try:
        if match:
            value = Decimal(match.group(1))
            unit = match.group(2)
            if unit == "万":
                value *= 10000
            elif unit in ("千", "k", "K"):
                value *= 1000
            return value
        return Decimal(str(cn2an.cn2an(cleaned, "smart")))
    except (ValueError, InvalidOperation, KeyError) as error:
        raise ExtractionError(f"no amount in {text!r}") from error


def normalise_entities(entities: list[dict[str, Any]], *, today: date) -> Facts:
    """Normalise the engine's entities (as Rasa returns them) into ``Facts``.

    A span that cannot be understood is skipped and recorded in ``problems`` rather than
    guessed: a wrong date is worse than asking again.
    """
    facts = Facts()
    for entity in entities:
        name = entity.get("entity")
        raw = str(entity.get("value", ""))
        try:
            if name == "date":
                facts.dates.append(parse_date(raw, role=entity.get("role"), today=today))
            elif name == "pregnancy_weeks":
                facts.pregnancy_weeks = parse_pregnancy_weeks(raw)
            elif name == "child_age_months":
                facts.child_age_months = parse_months(raw)
            elif name == "babies":
                facts.babies = parse_babies(raw)
            elif name == "money":
                facts.money = parse_money(raw)
        except ExtractionError as error:
            facts.problems.append(str(error))
    return facts


_MONEY = re.compile(
    r"(?:\d+(?:\.\d+)?\s*(?:万|千|k|K)?|[零一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟]+)"
    r"\s*(?:块钱|块|元)"
)
_PREGNANCY = re.compile(
    r"(?:怀孕|怀了|懷孕|孕)\s*(?:了|已经|快|有)?\s*"
    r"((?:\d+|[一二三四五六七八九十两]+)\s*(?:个多?月|周|星期))"
)
_CHILD_AGE = re.compile(
    r"(?:宝宝|孩子|娃|小孩|儿子|女儿|宝)\s*(?:才|已经|刚|快|刚满|满)?\s*"
    r"((?:\d+|[一二三四五六七八九十两]+)\s*(?:个多?月|岁半?|周岁)|半岁)"
)
_DATE_WORDS = re.compile(r"[年月日号周星期]|\d")


def _guess_role(text: str, start: int, end: int, when: date, today: date) -> str:
    """Which date the worker means, from the words around it."""
    before, after = text[max(0, start - 6) : start], text[end : end + 5]
    if "预产期" in before or "预产" in before:
        return "due"
    if re.match(r"(生的|生了|出生|生下|生产|生孩子|分娩|剖)", after) or "出生" in before:
        return "birth"
    if re.search(r"(预约|约了|约在|约的)", before + after):
        return "appointment"
    return "event" if when <= today else "due"


def _dates_from_text(text: str, today: date) -> list[DateValue]:
    base = datetime(today.year, today.month, today.day, 12, 0, 0).timestamp()
    try:
        found = _jionlp().ner.extract_time(text, time_base=base, with_parsing=False)
    except Exception:  # a time extractor failure must never cost the worker her answer
        return []
    values: list[DateValue] = []
    for item in found:
        span = str(item["text"])
        if item.get("type") not in ("time_point", "time_span") or not _DATE_WORDS.search(span):
            continue
        start, end = item["offset"]
        try:
            first = parse_date(span, role=None, today=today)
            role = _guess_role(text, start, end, first.start, today)
            values.append(parse_date(span, role=role, today=today))
        except ExtractionError:
            continue
    return values


def extract_facts(text: str, entities: list[dict[str, Any]], *, today: date) -> Facts:
    """Facts from the engine's entities, completed from the text where the engine missed one.

    Why both: the engine's entity model finds most spans, but a missed birth date means
    asking the worker again for something she already wrote.
    """
    facts = normalise_entities(entities, today=today)
    if not facts.dates:
        facts.dates.extend(_dates_from_text(text, today))
    if facts.money is None and (money := _MONEY.search(text)):
        with contextlib.suppress(ExtractionError):
            facts.money = parse_money(money.group())
    if facts.pregnancy_weeks is None and (weeks := _PREGNANCY.search(text)):
        with contextlib.suppress(ExtractionError):
            facts.pregnancy_weeks = parse_pregnancy_weeks(weeks.group(1))
    if facts.child_age_months is None and (age := _CHILD_AGE.search(text)):
        with contextlib.suppress(ExtractionError):
            facts.child_age_months = parse_months(age.group(1))
    if facts.babies is None:
        for word, count in _BABIES.items():
            if word in text and count > 1:
                facts.babies = count
                break
    return facts
