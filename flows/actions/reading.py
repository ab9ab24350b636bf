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
from knowledge.errors import KnowledgeError
from knowledge.regions import find_place
from nlu.extraction import (
    DateValue,
    ExtractionError,
    extract_facts,
    parse_babies,
    parse_date,
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
NOT_BORN = re.compile(r"还没生|没生|还没出生|没出生|未出生")
YES_WORDS = re.compile(
    r"^(对|是|是的|对的|没错|正确|嗯|好|好的|可以|确认|帮我算|对，帮我算|交了|有|有的)[。！!.]?$"
)

PERIOD_WORDS = (
    (re.compile(r"哺乳|喂奶|母乳"), "nursing"),
    (re.compile(r"产假|刚生|坐月子|生完|生了|月子"), "maternity"),
    (re.compile(r"怀孕|怀了|孕|懷孕"), "pregnancy"),
)
ACTION_WORDS = (
    (
        re.compile(
            r"(不给|不让|不批|拒绝|没有|不同意).{0,6}(哺乳|喂奶)|(哺乳|喂奶).{0,8}(不给|不让|不批|拒绝|不同意|取消)"
        ),
        "nursing_denied",
    ),
    (
        re.compile(r"产检.{0,8}(不让|不批|扣|旷工|不给|不同意)|(不让|不批|不给).{0,4}产检"),
        "checkup_denied",
    ),
    (
        re.compile(r"产假.{0,6}(只给|不给|不让|少给|不批|缩短)|(只给|不给|不让).{0,6}产假"),
        "leave_denied",
    ),
    (
        re.compile(r"辞退|开除|辞了|解除|解聘|不续签|不续|裁员|裁了|让我走|劝退|辞职|不要我|走人"),
        "dismissal",
    ),
    (
        re.compile(r"降薪|降工资|降低工资|扣工资|扣钱|少发|减薪|扣绩效|扣奖金|工资少了|降我工资"),
        "pay_cut",
    ),
    (re.compile(r"调岗|调到|夜班|加班|搬货|重活|换岗|换到|站着"), "job_change"),
)
STATUS_WORDS = (
    (re.compile(r"不续签|不续|到期不|合同到期"), "not_renewed"),
    (
        re.compile(
            r"让我.{0,2}辞职|逼我.{0,2}辞职|劝我.{0,2}辞职|劝退|自己走|主动辞职|写辞职|离职协议|协商解除|自愿离职"
        ),
        "pushed_to_resign",
    ),
    (
        re.compile(
            r"要辞退|要开除|说要|准备|打算|威胁|想辞退|想开除|要把我|要我走|要裁|可能会|会不会"
        ),
        "threatened",
    ),
    (
        re.compile(
            r"被辞|辞退了|开除了|被开除|辞了我|把我辞|解除了|通知.{0,4}解除|不用来了|被裁|裁了我|已经|解聘了|让我走了"
        ),
        "dismissed",
    ),
)
BIRTH_TYPE_WORDS = (
    (re.compile(r"难产"), "难产"),
    (re.compile(r"剖"), "剖宫产"),
    (re.compile(r"顺"), "顺产"),
)
INTENT_ACTIONS = {
    "three_period_dismissal": "dismissal",
    "unlawful_termination": "dismissal",
    "three_period_pay_cut": "pay_cut",
    "wage_arrears": "pay_cut",
    "three_period_job_change": "job_change",
}
DENIED_BY_PERIOD = {
    "pregnancy": "checkup_denied",
    "maternity": "leave_denied",
    "nursing": "nursing_denied",
}
_PLACE_PREFIX = re.compile(
    r"^(不对|不是|错了|我|是|在|人在|现在|目前|工作在|上班在|单位在|公司在|的|，|,|\s)+"
)


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


def place_in(message: Message) -> str | None:
    """The full province name for a province or city in the message (济南 → 山东省)."""
    for name in (*message.entity_values("province"), *message.entity_values("city")):
        try:
            return find_place(name).province
        except KnowledgeError:
            continue
    text = _PLACE_PREFIX.sub("", message.text)
    for start in range(len(text)):
        try:
            return find_place(text[start:]).province
        except KnowledgeError:
            continue
    return None


def employer_action_in(message: Message, period: str | None) -> str | None:
    """What the employer did, from the intent or the words used."""
    choice = message.entity("case_choice")
    if choice in ("dismissal", "pay_cut", "job_change", "none"):
        return choice
    if choice == "denied":
        return DENIED_BY_PERIOD.get(period or "", "nursing_denied")
    for pattern, action in ACTION_WORDS:
        if pattern.search(message.text):
            return action
    return INTENT_ACTIONS.get(message.intent or "")


def dismissal_status_in(message: Message) -> str | None:
    choice = message.entity("case_choice")
    if choice in ("threatened", "dismissed", "pushed_to_resign", "not_renewed"):
        return choice
    for pattern, status in STATUS_WORDS:
        if pattern.search(message.text):
            return status
    return None


def _period_in(message: Message) -> str | None:
    value = message.entity("period")
    if value in C.PERIODS:
        return value
    for pattern, period in PERIOD_WORDS:
        if pattern.search(message.text):
            return period
    return None


_RELATIVE_MONTHS = {"上上个月": -2, "上个月": -1, "这个月": 0, "本月": 0, "下个月": 1, "下下个月": 2}


def _months_named(text: str, today: date) -> str:
    """"上个月" → "2026年10月": the date parser reads a named month but not a relative one."""
    for word, shift in sorted(_RELATIVE_MONTHS.items(), key=lambda item: -len(item[0])):
        if word in text:
            index = today.year * 12 + today.month - 1 + shift
            text = text.replace(word, f"{index // 12}年{index % 12 + 1}月")
    return text


def _parse(span: str, role: str | None, today: date) -> DateValue:
    return parse_date(_months_named(span, today), role=role, today=today)


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


def _date_for(message: Message, role: str, today: date) -> DateValue | None:
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
    return (exact or found or [None])[0]


def _text_dates(message: Message, today: date) -> list[DateValue]:
    return extract_facts(_months_named(message.text, today), [], today=today).dates


def _turn(value: DateValue, role: str, text: str, today: date) -> DateValue:
    """A date found in free text, moved a year when its role says past or future."""
    if "年" in text or re.search(r"\d{4}[-./]", text):
        return value
    if role in ("birth", "event") and value.start > today:
        return parse_date(f"去年{value.start.month}月{value.start.day}日", role=role, today=today)
    if role == "due" and value.end < today:
        return parse_date(f"明年{value.start.month}月{value.start.day}日", role=role, today=today)
    return value


def _dates_by_role(message: Message, today: date) -> dict[str, DateValue]:
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
        facts = extract_facts(_months_named(message.text, today), [], today=today)
        found = {d.role: d for d in reversed(facts.dates) if d.role in ("birth", "due", "event")}
    return found


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


def _read_birth_type(message: Message) -> str | None:
    value = message.entity("birth_type")
    if value in ("顺产", "剖宫产", "难产"):
        return value
    for pattern, kind in BIRTH_TYPE_WORDS:
        if pattern.search(message.text):
            return kind
    return None


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
    if facts.pregnancy_weeks and 1 <= facts.pregnancy_weeks <= 44:
        reading.updates[C.PREGNANCY_WEEKS] = str(facts.pregnancy_weeks)
        if case.period is None:
            reading.updates.setdefault(C.PERIOD, "pregnancy")
    if facts.child_age_months is not None and 0 <= facts.child_age_months <= 36:
        reading.updates[C.BIRTH_DATE] = (
            today - timedelta(days=round(facts.child_age_months * 30.44))
        ).isoformat()
        reading.estimates.append(C.BIRTH_DATE)
    dates = _dates_by_role(message, today)
    if "birth" in dates and dates["birth"].start <= today:
        _put_date(reading, C.BIRTH_DATE, dates["birth"])
    if "due" in dates and dates["due"].end >= today - timedelta(days=30):
        _put_date(reading, C.DUE_DATE, dates["due"])
    if "event" in dates and case.employer_action == "dismissal" and dates["event"].start <= today:
        _put_date(reading, C.EVENT_DATE, dates["event"])


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
        period = _period_in(message)
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
        kind = _read_birth_type(message)
        if kind:
            reading.updates[C.BIRTH_TYPE] = kind
            reading.answered = True
    elif key == C.BIRTH_ORDER:
        choice = message.entity("case_choice")
        number = int(choice) if choice and choice.isdigit() else _birth_order(text)
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
        elif message.intent == "deny" or text.startswith(("不对", "不是", "错")):
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
        due = _date_for(message, "due", today)
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
    value = _date_for(message, role, today)
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


def _birth_order(text: str) -> int | None:
    match = re.search(
        r"第\s*([一二三四五六七八九十\d]+)\s*[个胎]|([一二三四五\d])\s*胎|老([二三四五])|头胎|老大",
        text,
    )
    if match is None:
        return None
    if match.group(0) in ("头胎", "老大"):
        return 1
    raw = next(g for g in match.groups() if g)
    digits = {
        "一": 1,
        "二": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
        "十": 10,
    }
    return int(raw) if raw.isdigit() else digits.get(raw)


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
