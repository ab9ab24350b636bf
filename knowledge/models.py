"""Typed shapes of the legal knowledge data.

Every YAML file under ``knowledge/data`` is validated against these models when it is
loaded, so a typo in a data file fails loudly at start-up (and in the tests) instead of
producing a wrong answer for a worker.

Identifiers are stable strings because answers, calculators and tests refer to them:

* a law:        ``labor_contract_law``          (snake_case slug)
* a provision:  ``labor_contract_law:42``       (law id, colon, article number)
                ``labor_contract_law:42.2``     (… paragraph 2 of article 42)
                ``women_protection_rules:annex.3``  (annex section 3)
                ``hubei_population_regulations:maternity_leave``  (a lowercase word: the
                article number was not seen; ``article`` is null and ``label`` says so,
                e.g. （条文序号未核实）)
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "AllowanceRule",
    "Answer",
    "AnswerSegment",
    "AnswerVariant",
    "HolidayCounting",
    "Law",
    "LawFile",
    "LawKind",
    "MaternityRule",
    "NursingRule",
    "ParentalLeaveRule",
    "PaternityLeaveRule",
    "Period",
    "ProvinceFile",
    "Provision",
    "SegmentKind",
    "Source",
    "Verification",
]

LAW_ID = re.compile(r"^[a-z][a-z0-9_]*$")
PROVISION_ID = re.compile(
    r"^[a-z][a-z0-9_]*:(\d+(\.\d+)?|annex(\.\d+)?|preamble|[a-z][a-z_]*[a-z])$"
)
#: The part after the colon of an id for a provision whose article number was not seen.
UNNUMBERED_PART = re.compile(r"^[a-z][a-z_]*[a-z]$")
_RESERVED_PARTS = frozenset({"annex", "preamble"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verification(StrEnum):
    """How sure we are that a text or figure is the law in force.

    ``primary_text``: the statute text itself was read (cite where).
    ``official_secondary``: a government page or official Q&A quoting the rule was read.
    ``secondary``: a careful secondary source that cites an official document.
    ``unconfirmed``: only an unreliable source, or sources disagree. The assistant must say so.
    """

    primary_text = "primary_text"
    official_secondary = "official_secondary"
    secondary = "secondary"
    unconfirmed = "unconfirmed"


class LawKind(StrEnum):
    law = "law"  # 法律 (全国人大及其常委会)
    administrative_regulation = "administrative_regulation"  # 行政法规 (国务院)
    judicial_interpretation = "judicial_interpretation"  # 司法解释
    departmental_rule = "departmental_rule"  # 部门规章
    local_regulation = "local_regulation"  # 地方性法规 (省级人大常委会)
    local_government_rule = "local_government_rule"  # 地方政府规章
    normative_document = "normative_document"  # 规范性文件 / 政策文件


class Period(StrEnum):
    """The three periods (三期); ``all`` when a rule covers all three."""

    pregnancy = "pregnancy"
    maternity = "maternity"
    nursing = "nursing"
    all = "all"


class Source(_Strict):
    """Where a text or a figure was read. At least one of url / repository+path."""

    title: str
    url: str | None = None
    repository: str | None = None
    path: str | None = None
    commit: str | None = None
    accessed: date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _has_location(self) -> Source:
        if not self.url and not (self.repository and self.path):
            raise ValueError("a source needs a url or a repository and path")
        return self


class Law(_Strict):
    """One statute or policy document, in the version the assistant relies on."""

    id: str
    name: str = Field(description="full official name without 《》, e.g. 中华人民共和国劳动合同法")
    short_name: str = Field(description="common short name, e.g. 劳动合同法")
    kind: LawKind
    issuer: str
    version: str = Field(description="version wording, e.g. 2012年12月28日修正")
    effective_date: date | None = Field(
        description="date the relied-on version took effect; None when the text gives none"
    )
    revision_year: int | None = Field(description="year of the relied-on version; None if unknown")
    province: str | None = Field(default=None, description="full province name for local rules")
    sources: list[Source] = Field(min_length=1)
    verification: Verification
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not LAW_ID.match(value):
            raise ValueError(f"law id must be snake_case: {value!r}")
        return value


class Provision(_Strict):
    """One article (or paragraph, or annex section) of a law, stored once."""

    id: str
    article: int | None = None
    paragraph: int | None = None
    label: str | None = Field(
        default=None, description="citation label when not 第N条[第M款], e.g. 附录第三项"
    )
    text: str = Field(min_length=2, description="operative text, verbatim from the source")
    summary: str = Field(min_length=2, description="one plain-Chinese sentence for workers")
    periods: list[Period] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    verification: Verification | None = Field(
        default=None, description="only when it differs from the law's own verification"
    )
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _provision_id(cls, value: str) -> str:
        if not PROVISION_ID.match(value):
            raise ValueError(f"bad provision id: {value!r}")
        return value

    @model_validator(mode="after")
    def _unnumbered_needs_label(self) -> Provision:
        if self.is_unnumbered:
            if self.article is not None:
                raise ValueError(f"{self.id}: a word id is for an unseen article number")
            if not self.label:
                raise ValueError(f"{self.id}: a word id needs a label, e.g. （条文序号未核实）")
        return self

    @property
    def law_id(self) -> str:
        return self.id.split(":", 1)[0]

    @property
    def is_unnumbered(self) -> bool:
        """True for a word id (``law:maternity_leave``): the article number was not seen."""
        part = self.id.split(":", 1)[1]
        return part not in _RESERVED_PARTS and bool(UNNUMBERED_PART.match(part))


class LawFile(_Strict):
    """A ``knowledge/data/statutes/*.yml`` file: one law and its provisions."""

    law: Law
    provisions: list[Provision] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_belong_to_law(self) -> LawFile:
        for provision in self.provisions:
            if provision.law_id != self.law.id:
                raise ValueError(f"{provision.id} does not belong to {self.law.id}")
        return self


class HolidayCounting(StrEnum):
    """How public holidays and rest days fall inside a leave."""

    calendar_days = "calendar_days"  # counted straight through, holidays included
    holidays_extend = "holidays_extend"  # statutory holidays inside the leave extend it
    working_days = "working_days"  # counted in working days
    unknown = "unknown"


class MaternityRule(_Strict):
    """Provincial maternity leave on top of the national 98 days (特别规定第七条)."""

    extra_days: int | None = Field(description="days added to the national 98; None if unknown")
    extra_days_by_birth_order: dict[int, int] | None = Field(
        default=None, description="when the extra days depend on the child's birth order"
    )
    extra_days_max: int | None = Field(
        default=None, description="upper end when the rule gives a range (福建 158–180)"
    )
    dystocia_days: int = Field(default=15, description="难产 add-on; 15 nationally, 30 in 广东")
    caesarean_counts_as_dystocia: bool | None = None
    multiple_birth_days_per_extra_baby: int = 15
    base_counting: HolidayCounting = Field(
        default=HolidayCounting.calendar_days,
        description="how the national 98 days and the 难产 / multiple-birth add-ons are counted: "
        "calendar days (holidays included) unless the province says otherwise (安徽)",
    )
    extra_counting: HolidayCounting = Field(
        default=HolidayCounting.unknown,
        description="how the province's own extra days are counted (上海, 江苏: holidays extend)",
    )
    optional_extension: str | None = Field(
        default=None, description="leave beyond the total that needs the employer's consent"
    )
    other_addons: list[str] = Field(default_factory=list, description="plain Chinese notes")
    basis: list[str] = Field(min_length=1, description="provision ids")
    verification: Verification
    note: str | None = None


class PaternityLeaveRule(_Strict):
    days: int | None
    basis: list[str] = Field(default_factory=list)
    verification: Verification
    note: str | None = None


class ParentalLeaveRule(_Strict):
    days_per_year: int | None
    unit: Literal["calendar_days", "working_days", "days"] = "days"
    until_child_age_years: int | None = 3
    basis: list[str] = Field(default_factory=list)
    verification: Verification
    note: str | None = None


class NursingRule(_Strict):
    """Provincial nursing leave (哺乳假) beyond the national daily hour, where one exists."""

    leave_description: str | None = None
    basis: list[str] = Field(default_factory=list)
    verification: Verification
    note: str | None = None


class AllowanceRule(_Strict):
    """Local rules for the maternity allowance (生育津贴)."""

    daily_divisor: Literal["30", "30.4", "unknown"] = "unknown"
    pays_provincial_extra_days: bool | None = None
    basis: list[str] = Field(default_factory=list)
    verification: Verification = Verification.unconfirmed
    note: str | None = None


class ProvinceFile(_Strict):
    """A ``knowledge/data/provinces/*.yml`` file: one provincial-level region."""

    province: str = Field(description="full official name, e.g. 山东省, 北京市, 广西壮族自治区")
    short_name: str = Field(description="e.g. 山东, 北京, 广西")
    laws: list[LawFile] = Field(default_factory=list, description="the local texts cited")
    maternity: MaternityRule
    paternity_leave: PaternityLeaveRule
    parental_leave: ParentalLeaveRule
    nursing: NursingRule | None = None
    allowance: AllowanceRule = AllowanceRule()
    checked_on: date
    note: str | None = None


class SegmentKind(StrEnum):
    """Answers read: what the law says → what it means for her → what to do next."""

    law = "law"
    meaning = "meaning"
    next_step = "next_step"
    care = "care"  # an empathetic opening, no rule stated


class AnswerSegment(_Strict):
    kind: SegmentKind
    text: str = Field(min_length=2)
    cites: list[str] = Field(default_factory=list, description="provision ids")

    @model_validator(mode="after")
    def _rules_are_cited(self) -> AnswerSegment:
        if self.kind in (SegmentKind.law, SegmentKind.meaning) and not self.cites:
            raise ValueError(f"a {self.kind} segment must cite a provision: {self.text[:30]}")
        return self


class AnswerVariant(_Strict):
    """One version of an answer; ``period`` None is the default variant."""

    period: Period | None = None
    segments: list[AnswerSegment] = Field(min_length=2)
    short: str = Field(
        min_length=4,
        max_length=120,
        description="a one- or two-sentence version an operator can read aloud",
    )
    short_cites: list[str] = Field(min_length=1)


class Answer(_Strict):
    """A ``knowledge/data/answers/*.yml`` file: the answer for one intent of the taxonomy."""

    intent: str
    title: str
    variants: list[AnswerVariant] = Field(min_length=1)
    needs_lawyer_when: str | None = Field(
        default=None, description="when to tell her the case needs a lawyer"
    )

    @model_validator(mode="after")
    def _one_default(self) -> Answer:
        defaults = [v for v in self.variants if v.period is None]
        if len(defaults) != 1:
            raise ValueError(f"{self.intent}: exactly one default variant (no period) is required")
        periods = [v.period for v in self.variants if v.period is not None]
        if len(periods) != len(set(periods)):
            raise ValueError(f"{self.intent}: one variant per period")
        return self

    def variant(self, period: Period | None) -> AnswerVariant:
        """The variant for ``period``, falling back to the default one."""
        for candidate in self.variants:
            if period is not None and candidate.period == period:
                return candidate
        return next(v for v in self.variants if v.period is None)
