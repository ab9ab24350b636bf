"""Read a worker's message into facts of her case.

The engine gives an intent and entity spans; ``nlu.extraction`` turns spans into dates and
numbers; ``knowledge.regions`` turns a city into its province. This module adds what only
the walkthrough knows: which question was just asked. A bare "3月5号" answers the question
about the birth date, so it is read as a past date; the same words answering "when does
your contract end" are read as a future one. Answers that are one of few (a button, "剖的",
"两个") are matched here too.

Pure Python: no Rasa. ``read`` returns the facts found; deciding what to do with them is
``flows.actions.progress``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flows.actions import case as C
from flows.actions.case import Case
from flows.actions.dates import date_for, dates_by_role
from flows.actions.message import Message
from flows.actions.words import (
    birth_order_in,
    birth_type_in,
    dismissal_status_in,
    employer_action_in,
    period_in,
    place_in,
)
from nlu.extraction import (
    DateValue,
    ExtractionError,
    extract_facts,
    parse_babies,
    parse_money,
    parse_months,
    parse_pregnancy_weeks,
)

__all__ = ["Message", "Reading", "dismissal_status_in", "employer_action_in", "place_in", "read"]

DATE_QUESTIONS = {
    C.BIRTH_DATE: "birth",
    C.EVENT_DATE: "event",
    C.CONTRACT_END: "due",  # a future date unless she says otherwise
    C.PREGNANCY_WEEKS: "due",  # answered with a due date
}
UNKNOWN_WORDS = re.compile(r"不知道|不清楚|不记得|记不清|忘了|不确定|没注意|说不准|跳过|不想说")
STOP_WORDS = re.compile(r"不算了|先不算|不用算|不问了|不想问了|算了吧|不用了|先这样吧")
BARE_COUNT = re.compile(
    r"(就|只|只有|一共)?(生了)?\s*[一二两三四1-4]\s*(个|胎)?(宝宝|孩子|娃)?(吧|啊|呀|。)?"
)
PREGNANT = re.compile(r"怀孕|怀了|懷孕|孕")
NOT_BORN = re.compile(r"还没生|没生|还没出生|没出生|未出生")
YES_WORDS = re.compile(
    r"^(对|是|是的|对的|没错|正确|嗯|好|好的|可以|确认|帮我算|对，帮我算|交了|有|有的)[。！!.]?$"
)


@dataclass
class Reading:
    """The facts found in one message."""

    updates: dict[str, Any] = field(default_factory=dict)
    estimates: list[str] = field(default_factory=list)
    answered: bool = False  # the question just asked got an answer
    unknown: bool = False  # she said she does not know
    stop: bool = False  # she does not want to go on
    confirmed: bool | None = None  # yes / no at the review
    field_to_fix: str | None = None  # "改省份" at the review
    problem: str | None = None  # why her answer could not be used (Chinese, shown to her)


def _put_date(reading: Reading, key: str, value: DateValue, *, use_end: bool = False) -> None:
    day = value.end if use_end else value.start
    reading.updates[key] = day.isoformat()
    if not value.exact:
        reading.estimates.append(key)


def _read_babies(message: Message, today: date) -> int | None:
    for raw in message.entity_values("babies"):
        try:
            return parse_babies(raw)
        except ExtractionError:
            continue
    return extract_facts(message.text, [], today=today).babies


def _read_any(
    reading: Reading, message: Message, case: Case, today: date, *, dates: bool = True
) -> None:
    """Facts the worker volunteers, whatever was asked: corrections come this way.

    ``dates`` is False when the message already answered a question about a date: its
    date is that answer, whatever role the engine guessed for it.
    """
    period = message.entity("period")
    if period in C.PERIODS:
        reading.updates[C.PERIOD] = period
    if message.entity_values("province") or message.entity_values("city"):
        province = place_in(message)
        if province:
            reading.updates[C.PROVINCE] = province
    babies = _read_babies(message, today)
    if babies and (message.entity_values("babies") or babies > 1):
        reading.updates[C.BABIES] = str(babies)
    kind = message.entity("birth_type")
    if kind in ("顺产", "剖宫产", "难产"):
        reading.updates[C.BIRTH_TYPE] = kind
    if not dates:
        return
    facts = extract_facts(message.text, list(message.entities), today=today)
    if not facts.pregnancy_weeks and PREGNANT.search(message.text):
        # a span the parser read as 0 weeks ("四個月") is read again from her words
        facts.pregnancy_weeks = _weeks(Message(message.text), today)
    if facts.pregnancy_weeks and 1 <= facts.pregnancy_weeks <= 44:
        reading.updates[C.PREGNANCY_WEEKS] = str(facts.pregnancy_weeks)
        if case.period is None:
            reading.updates.setdefault(C.PERIOD, "pregnancy")
    if facts.child_age_months is not None and 0 <= facts.child_age_months <= 36:
        reading.updates[C.BIRTH_DATE] = (
            today - timedelta(days=round(facts.child_age_months * 30.44))
        ).isoformat()
        reading.estimates.append(C.BIRTH_DATE)
    roles = dates_by_role(message, today)
    if "birth" in roles and roles["birth"].start <= today:
        _put_date(reading, C.BIRTH_DATE, roles["birth"])
    if "due" in roles and roles["due"].end >= today - timedelta(days=30):
        _put_date(reading, C.DUE_DATE, roles["due"])
    if "event" in roles and case.employer_action == "dismissal" and roles["event"].start <= today:
        _put_date(reading, C.EVENT_DATE, roles["event"])


def read(message: Message, *, requested: str | None, case: Case, today: date) -> Reading:
    """The facts in ``message``, reading it first as the answer to question ``requested``."""
    reading = Reading()
    text = message.text.strip()
    if requested is not None:
        _read_answer(reading, message, requested, case, today)
    date_answer = reading.answered and requested in DATE_QUESTIONS
    _read_any(reading, message, case, today, dates=not date_answer)
    if requested is not None and not reading.answered:
        answered_case = case.with_values(reading.updates)
        reading.answered = (
            requested not in (C.CONFIRMED, C.FIX)
            and answered_case.answered(requested)
            and not case.answered(requested)
        )
    if not reading.answered and not reading.updates:
        if STOP_WORDS.search(text) or (message.intent == "deny" and "算了" in text):
            reading.stop = True
        elif UNKNOWN_WORDS.search(text):
            reading.unknown = True
    return reading


def _read_answer(reading: Reading, message: Message, key: str, case: Case, today: date) -> None:
    """Read the message as the answer to question ``key``."""
    text = message.text.strip()
    if key == C.PERIOD:
        period = period_in(message)
        if period:
            reading.updates[C.PERIOD] = period
            reading.answered = True
        else:
            reading.problem = "这个时期我没看明白。"
    elif key == C.PROVINCE:
        province = place_in(message)
        if province:
            reading.updates[C.PROVINCE] = province
            reading.answered = True
        else:
            reading.problem = "这个地名我没有找到。"
    elif key in DATE_QUESTIONS:
        _read_date_answer(reading, message, key, case, today)
    elif key == C.BABIES:
        choice = message.entity("case_choice")
        count = int(choice) if choice and choice.isdigit() else _read_babies(message, today)
        if count is None and BARE_COUNT.fullmatch(text):
            try:
                count = parse_babies(text)
            except ExtractionError:
                count = None
        if count and 1 <= count <= 8:
            reading.updates[C.BABIES] = str(count)
            reading.answered = True
    elif key == C.BIRTH_TYPE:
        kind = birth_type_in(message)
        if kind:
            reading.updates[C.BIRTH_TYPE] = kind
            reading.answered = True
    elif key == C.BIRTH_ORDER:
        choice = message.entity("case_choice")
        number = int(choice) if choice and choice.isdigit() else birth_order_in(text)
        if number and 1 <= number <= 10:
            reading.updates[C.BIRTH_ORDER] = str(number)
            reading.answered = True
    elif key == C.EMPLOYER_ACTION:
        action = employer_action_in(message, case.period)
        if action is None and (
            message.intent == "deny" or re.match(r"^(没有|没|暂时没有|还没有|都没有)", text)
        ):
            action = "none"
        if action:
            reading.updates[C.EMPLOYER_ACTION] = action
            reading.answered = True
            status = dismissal_status_in(message) if action == "dismissal" else None
            if status:
                reading.updates[C.DISMISSAL_STATUS] = status
    elif key == C.DISMISSAL_STATUS:
        status = dismissal_status_in(message)
        if status:
            reading.updates[C.DISMISSAL_STATUS] = status
            reading.answered = True
    elif key == C.INSURED:
        _read_insured(reading, message)
    elif key == C.MONTHLY_WAGE:
        _read_wage(reading, message, today)
    elif key == C.CONFIRMED:
        if message.intent == "affirm" or YES_WORDS.match(text):
            reading.confirmed = True
        elif (
            message.intent == "deny"
            or text.startswith(("不对", "不是", "错"))
            or re.search(r"要改|改一下|有错|不太对", text)
        ):
            reading.confirmed = False
    elif key == C.FIX:
        wanted = message.entity("case_field")
        if wanted in C.ANSWER_SLOTS:
            reading.field_to_fix = wanted


def _read_date_answer(
    reading: Reading, message: Message, key: str, case: Case, today: date
) -> None:
    if key == C.PREGNANCY_WEEKS:
        weeks = _weeks(message, today)
        if weeks is not None:
            reading.updates[C.PREGNANCY_WEEKS] = str(weeks)
            reading.answered = True
            return
    if key == C.BIRTH_DATE and NOT_BORN.search(message.text):
        due = date_for(message, "due", today)
        if due is not None:
            _put_date(reading, C.DUE_DATE, due)
            reading.answered = True
        else:
            reading.problem = "宝宝还没出生的话，请告诉我预产期。"
        return
    if key == C.BIRTH_DATE:
        age = extract_facts(message.text, list(message.entities), today=today).child_age_months
        if age is None and message.entity_values("child_age_months"):
            try:
                age = parse_months(message.entity_values("child_age_months")[0])
            except ExtractionError:
                age = None
        if age is not None and 0 <= age <= 36:
            born = today - timedelta(days=round(age * 30.44))
            reading.updates[C.BIRTH_DATE] = born.isoformat()
            reading.estimates.append(C.BIRTH_DATE)
            reading.answered = True
            return
    role = DATE_QUESTIONS[key]
    value = date_for(message, role, today)
    if value is None:
        reading.problem = "这个日期我没看明白。"
        return
    if key == C.PREGNANCY_WEEKS:
        if not today - timedelta(days=30) <= value.end <= today + timedelta(days=300):
            reading.problem = "这个预产期看起来不太对，请再核对一下。"
            return
        _put_date(reading, C.DUE_DATE, value)
    elif key == C.BIRTH_DATE:
        if value.start > today:
            if case.period == "maternity":
                _put_date(reading, C.DUE_DATE, value)
                reading.answered = True
                return
            reading.problem = "出生日期不能晚于今天，请再核对一下。"
            return
        if value.start < today - timedelta(days=3 * 366):
            reading.problem = "这个出生日期离现在太久了，请再核对一下。"
            return
        _put_date(reading, C.BIRTH_DATE, value)
    elif key == C.EVENT_DATE:
        if value.start > today:
            reading.problem = "辞退的日期不能晚于今天，请再核对一下。"
            return
        _put_date(reading, C.EVENT_DATE, value)
    else:
        _put_date(reading, C.CONTRACT_END, value, use_end=True)
    reading.answered = True


def _weeks(message: Message, today: date) -> int | None:
    for raw in message.entity_values("pregnancy_weeks"):
        try:
            weeks = parse_pregnancy_weeks(raw)
        except ExtractionError:
            continue
        if 1 <= weeks <= 44:
            return weeks
    weeks_found = extract_facts(message.text, [], today=today).pregnancy_weeks
    if weeks_found is None and re.search(r"个多?月|周|星期", message.text):
        with contextlib.suppress(ExtractionError, ValueError):
            kept = re.sub(r"[^\d一二三四五六七八九十两个多月周星期半]", "", message.text)
            weeks_found = parse_pregnancy_weeks(kept)
    if weeks_found is not None and 1 <= weeks_found <= 44:
        return weeks_found
    return None


def _read_insured(reading: Reading, message: Message) -> None:
    """Her words decide before the classifier: "交了" is sometimes classified as a "no"."""
    text = message.text
    if re.search(r"没交|没有交|没给交|没缴|没买|没给我交|不交|^没有|^没", text):
        value = "no"
    elif UNKNOWN_WORDS.search(text):
        value = C.UNKNOWN
    elif re.search(r"交了|有交|缴了|交的|有的|买了|^有|^是|^对", text):
        value = "yes"
    elif message.intent in ("affirm", "deny"):
        value = "yes" if message.intent == "affirm" else "no"
    else:
        return
    reading.updates[C.INSURED] = value
    reading.answered = True


def _read_wage(reading: Reading, message: Message, today: date) -> None:
    if UNKNOWN_WORDS.search(message.text):
        reading.updates[C.MONTHLY_WAGE] = C.UNKNOWN
        reading.answered = True
        return
    amount = extract_facts(message.text, list(message.entities), today=today).money
    if amount is None:
        bare = re.sub(
            r"(大概|大约|左右|差不多|一个月|每月|月薪|工资|是|就|多)", "", message.text.strip()
        )
        try:
            amount = parse_money(bare)
        except ExtractionError:
            amount = None
    if amount is not None and 100 <= amount <= 200000:
        reading.updates[C.MONTHLY_WAGE] = str(amount)
        reading.answered = True
    else:
        reading.problem = "这个金额我没看明白。"
