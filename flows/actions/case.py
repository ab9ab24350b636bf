"""A worker's case as the walkthrough knows it: her facts, what is still missing, the review.

Pure Python (no Rasa): the Rasa actions turn slots into a ``Case`` and back. Why a module of
its own: which question comes next for which period is the heart of "ask only for what is
missing", and it must be testable in milliseconds.

Every fact is a slot whose name is also the key of the question that asks for it
(``province``, ``birth_date`` …). A value of ``UNKNOWN`` means the worker said she does not
know: the question is never asked again and the explanation says what it could not compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.models import ProvinceFile

__all__ = [
    "ANSWER_SLOTS",
    "BABIES",
    "BIRTH_DATE",
    "BIRTH_ORDER",
    "BIRTH_TYPE",
    "CASE_SLOTS",
    "CONFIRMED",
    "CONTRACT_END",
    "DISMISSAL_STATUS",
    "DUE_DATE",
    "EMPLOYER_ACTION",
    "ESTIMATES",
    "EVENT_DATE",
    "FAILURES",
    "FIX",
    "FIX_PENDING",
    "HISTORY",
    "INSURED",
    "INTENT_TOPICS",
    "MONTHLY_WAGE",
    "PERIOD",
    "PREGNANCY_WEEKS",
    "PROVINCE",
    "STAGE",
    "TOPICS",
    "UNKNOWN",
    "Case",
    "cleared_by",
    "infer_period",
    "province_file",
]

# Facts (slot name = question key).
PERIOD = "period"
PROVINCE = "province"
PREGNANCY_WEEKS = "pregnancy_weeks"
DUE_DATE = "due_date"
BIRTH_DATE = "birth_date"
BABIES = "babies"
BIRTH_TYPE = "birth_type"
BIRTH_ORDER = "birth_order"
EMPLOYER_ACTION = "employer_action"
DISMISSAL_STATUS = "dismissal_status"
EVENT_DATE = "event_date"
CONTRACT_END = "contract_end"
INSURED = "insured"
MONTHLY_WAGE = "monthly_wage"
# The review ("我记下的是……对吗？") and the "which one is wrong?" question after a "no".
CONFIRMED = "case_confirmed"
FIX = "case_fix"
FIX_PENDING = "pending"
# Bookkeeping.
TOPICS = "case_topics"  # what she asked about: dismissal, pay_cut, leave, …
HISTORY = "case_history"  # question keys in the order she answered them (for 上一步)
FAILURES = "case_failures"  # answers in a row that could not be understood
ESTIMATES = "case_estimates"  # facts that are estimates (a due date from months pregnant)
STAGE = "walkthrough_stage"  # active | explained (read by the rules)

UNKNOWN = "unknown"

#: Every slot the walkthrough reads or writes (the shared ``period`` and ``province`` too).
CASE_SLOTS: tuple[str, ...] = (
    PERIOD,
    PROVINCE,
    PREGNANCY_WEEKS,
    DUE_DATE,
    BIRTH_DATE,
    BABIES,
    BIRTH_TYPE,
    BIRTH_ORDER,
    EMPLOYER_ACTION,
    DISMISSAL_STATUS,
    EVENT_DATE,
    CONTRACT_END,
    INSURED,
    MONTHLY_WAGE,
    CONFIRMED,
    FIX,
    TOPICS,
    HISTORY,
    FAILURES,
    ESTIMATES,
    STAGE,
)
#: The facts a worker gives (what the review lists and a correction may change).
ANSWER_SLOTS: tuple[str, ...] = CASE_SLOTS[:14]

PERIODS = ("pregnancy", "maternity", "nursing")
#: The three-period intents that open a walkthrough, and the topic each one raises.
INTENT_TOPICS: dict[str, str] = {
    "three_period_dismissal": "dismissal",
    "three_period_pay_cut": "pay_cut",
    "three_period_job_change": "job_change",
    "prenatal_checkup": "checkup",
    "maternity_leave": "leave",
    "maternity_allowance": "allowance",
    "nursing_time": "nursing",
}
#: The employer's action a topic already states (the others are questions about rights).
TOPIC_ACTIONS: dict[str, str] = {
    "dismissal": "dismissal",
    "pay_cut": "pay_cut",
    "job_change": "job_change",
}
#: The period a topic implies when nothing else tells.
TOPIC_PERIODS: dict[str, str] = {
    "checkup": "pregnancy",
    "leave": "maternity",
    "allowance": "maternity",
    "nursing": "nursing",
}
#: Going back to a question clears every fact that question collected.
_CLEARS: dict[str, tuple[str, ...]] = {
    PREGNANCY_WEEKS: (PREGNANCY_WEEKS, DUE_DATE),
    BIRTH_DATE: (BIRTH_DATE, DUE_DATE),
    DISMISSAL_STATUS: (DISMISSAL_STATUS, EVENT_DATE, CONTRACT_END),
    EMPLOYER_ACTION: (EMPLOYER_ACTION, DISMISSAL_STATUS, EVENT_DATE, CONTRACT_END),
}


def cleared_by(key: str) -> tuple[str, ...]:
    """The slots emptied when the worker goes back to question ``key``."""
    return _CLEARS.get(key, (key,))


def province_file(name: str | None) -> ProvinceFile | None:
    """The knowledge base's file for a full province name (None when unknown)."""
    if not name:
        return None
    try:
        return load_knowledge().provinces.get(name)
    except KnowledgeError:
        return None


@dataclass(frozen=True)
class Case:
    """The facts of one worker's case, read from (and written back to) slots."""

    values: Mapping[str, Any]

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Case:
        return cls({key: slots.get(key) for key in CASE_SLOTS})

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def with_values(self, updates: Mapping[str, Any]) -> Case:
        return Case({**self.values, **updates})

    # -- typed views -------------------------------------------------------------------

    @property
    def period(self) -> str | None:
        value = self.get(PERIOD)
        return value if value in PERIODS else None

    @property
    def province(self) -> str | None:
        value = self.get(PROVINCE)
        return str(value) if value else None

    @property
    def topics(self) -> list[str]:
        return [str(t) for t in self.get(TOPICS) or []]

    @property
    def history(self) -> list[str]:
        return [str(h) for h in self.get(HISTORY) or []]

    @property
    def failures(self) -> int:
        try:
            return int(self.get(FAILURES) or 0)
        except (TypeError, ValueError):
            return 0

    @property
    def estimates(self) -> list[str]:
        return [str(e) for e in self.get(ESTIMATES) or []]

    def date(self, key: str) -> date | None:
        """A date fact, or None when missing or unknown."""
        value = self.get(key)
        if not value or value == UNKNOWN:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return None

    def number(self, key: str) -> int | None:
        value = self.get(key)
        if value is None or value == UNKNOWN:
            return None
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None

    def money(self, key: str) -> Decimal | None:
        value = self.get(key)
        if value is None or value == UNKNOWN:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None

    @property
    def babies(self) -> int:
        """Number of babies; one unless she said otherwise."""
        return self.number(BABIES) or 1

    @property
    def employer_action(self) -> str | None:
        value = self.get(EMPLOYER_ACTION)
        return str(value) if value else None

    # -- what to ask -------------------------------------------------------------------

    def needed(self) -> list[str]:
        """The questions this case needs answered, in the order they are asked.

        Why this order: the period decides every other question, the province decides
        the figures; dates come next because the calculators need them; the employer's
        action and its details last, because the first message usually already said it.
        """
        keys: list[str] = []
        if self.period is None:
            keys.append(PERIOD)
        keys.append(PROVINCE)
        if self.period == "pregnancy":
            keys.append(PREGNANCY_WEEKS)
        elif self.period in ("maternity", "nursing"):
            keys.append(BIRTH_DATE)
            topics = set(self.topics)
            # The number of babies and the kind of birth change the leave (and the daily
            # nursing time); for a question about dismissal or pay they change nothing
            # she asked about, so they are not asked (the explanation says what it assumed).
            if self.period == "maternity" and (not topics or topics & {"leave", "allowance"}):
                keys += [BABIES, BIRTH_TYPE]
                rule = province_file(self.province)
                if rule is not None and rule.maternity.extra_days_by_birth_order:
                    keys.append(BIRTH_ORDER)
            elif self.period == "nursing" and (not topics or topics & {"nursing", "job_change"}):
                keys.append(BABIES)
        if not self.topics and self.employer_action is None:
            keys.append(EMPLOYER_ACTION)
        if self.employer_action == "dismissal":
            keys.append(DISMISSAL_STATUS)
            status = self.get(DISMISSAL_STATUS)
            if status == "dismissed":
                keys.append(EVENT_DATE)
            elif status == "not_renewed":
                keys.append(CONTRACT_END)
        if "allowance" in self.topics and self.period != "nursing":
            keys += [INSURED, MONTHLY_WAGE]
        return keys

    def answered(self, key: str) -> bool:
        """Whether question ``key`` has an answer (some questions accept two facts)."""
        if key == PERIOD:
            return self.period is not None  # "all" (三期) names no one period
        if key == PREGNANCY_WEEKS:
            return self.get(PREGNANCY_WEEKS) is not None or self.get(DUE_DATE) is not None
        if key == BIRTH_DATE:
            if self.get(BIRTH_DATE) is not None:
                return True
            return self.period == "maternity" and self.get(DUE_DATE) not in (None, UNKNOWN)
        return self.get(key) is not None

    def missing(self) -> list[str]:
        return [key for key in self.needed() if not self.answered(key)]

    def next_question(self) -> str | None:
        """The one question to ask now: a missing fact, then the review; None when done."""
        missing = self.missing()
        if missing:
            return missing[0]
        if self.get(FIX) == FIX_PENDING:
            return FIX
        if self.get(CONFIRMED) is not True:
            return CONFIRMED
        return None


#: A child younger than this is taken to be with her mother on maternity leave (the
#: shortest provincial leave is 128 days, most are 158 or more).
MATERNITY_MONTHS = 5


def infer_period(case: Case, topic: str | None, *, today: date) -> str | None:
    """The period her facts and question imply, when she did not name one.

    Why guess at all: "宝宝8个月，单位不给哺乳时间" says nursing without the word; asking
    "which period are you in?" would be a question she already answered.
    """
    if case.period is not None:
        return case.period
    if case.get(PREGNANCY_WEEKS) is not None:
        return "pregnancy"
    due = case.date(DUE_DATE)
    born = case.date(BIRTH_DATE)
    if born is not None:
        if topic in ("leave", "allowance"):
            return "maternity"
        if topic == "nursing" or born < today - timedelta(days=round(MATERNITY_MONTHS * 30.44)):
            return "nursing"
        return "maternity"
    if due is not None and due >= today:
        return "pregnancy"
    return TOPIC_PERIODS.get(topic or "")
