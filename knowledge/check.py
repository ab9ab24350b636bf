"""Cross-file consistency checks of the knowledge data.

Each data file is validated on its own when it is loaded (``knowledge.models``). What a
single file cannot see is whether the files agree with each other: an answer may cite a
provision nobody stored, a stored provision may be cited by nothing (so a worker can never
be shown it, and nobody notices when it goes out of date), and the answer set may drift
from the intent taxonomy that outside evaluation sets are labelled with. ``check`` finds
those gaps so that a test, a CI job or a start-up hook can refuse to ship them.

Pure Python: no framework imports, nothing here touches the network or the disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from knowledge.calculators import cited_provision_ids
from knowledge.loader import KnowledgeBase
from knowledge.models import Answer, ProvinceFile

__all__ = ["DOMAIN_INTENTS", "Problem", "ProblemCode", "check", "used_provision_ids"]

#: The domain intents of ``taxonomy.md`` (a contract with outside evaluation sets), each of
#: which must have exactly one answer file. Conversation-control intents (greet, goodbye,
#: thanks, affirm, deny, restart, human_handoff, bot_challenge, inform, out_of_scope) are
#: answered by the dialogue itself and have no answer file.
DOMAIN_INTENTS: tuple[str, ...] = (
    "three_period_dismissal",
    "three_period_pay_cut",
    "three_period_job_change",
    "prenatal_checkup",
    "maternity_leave",
    "miscarriage_leave",
    "maternity_allowance",
    "nursing_time",
    "parental_leave",
    "hiring_discrimination",
    "sexual_harassment",
    "wage_arrears",
    "social_insurance",
    "unlawful_termination",
    "overtime_pay",
    "other_leave",
    "work_injury",
    "labor_contract",
    "arbitration_procedure",
    "labor_inspection_complaint",
    "mediation",
    "legal_aid",
    "hotline_info",
    "book_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "query_appointment",
    "emotional_support",
    "employment_help",
)


class ProblemCode(StrEnum):
    """The kinds of inconsistency ``check`` reports."""

    unknown_provision = "unknown_provision"  # cited, but no statute file stores it
    unused_provision = "unused_provision"  # stored, but nothing cites it
    uncited_answer = "uncited_answer"  # an answer (variant) whose text cites nothing
    missing_answer = "missing_answer"  # a taxonomy intent without an answer file
    unknown_intent = "unknown_intent"  # an answer file for an intent not in the taxonomy


@dataclass(frozen=True)
class Problem:
    """One inconsistency: what kind, where it is (a data path), and a readable message."""

    code: ProblemCode
    where: str
    message: str


@dataclass(frozen=True)
class _Citation:
    """One provision id cited somewhere, with the place that cites it."""

    provision_id: str
    where: str


def _variant_name(period: object) -> str:
    return "default" if period is None else str(period)


def _answer_citations(answer: Answer) -> Iterator[_Citation]:
    """Every provision id an answer cites, in its segments and in its read-aloud ``short``."""
    for variant in answer.variants:
        base = f"answers/{answer.intent}[{_variant_name(variant.period)}]"
        for index, segment in enumerate(variant.segments):
            for provision_id in segment.cites:
                yield _Citation(provision_id, f"{base}.segments[{index}]")
        for provision_id in variant.short_cites:
            yield _Citation(provision_id, f"{base}.short_cites")


def _province_citations(province: ProvinceFile) -> Iterator[_Citation]:
    """Every provision id a province's rules give as their ``basis``."""
    base = f"provinces/{province.province}"
    rules: list[tuple[str, Iterable[str]]] = [
        ("maternity", province.maternity.basis),
        ("paternity_leave", province.paternity_leave.basis),
        ("parental_leave", province.parental_leave.basis),
        ("allowance", province.allowance.basis),
    ]
    if province.nursing is not None:
        rules.append(("nursing", province.nursing.basis))
    for rule, basis in rules:
        for provision_id in basis:
            yield _Citation(provision_id, f"{base}.{rule}.basis")


def _all_citations(base: KnowledgeBase) -> list[_Citation]:
    citations: list[_Citation] = []
    for answer in base.answers.values():
        citations.extend(_answer_citations(answer))
    for province in base.provinces.values():
        citations.extend(_province_citations(province))
    return citations


def used_provision_ids(
    base: KnowledgeBase, calculator_ids: Iterable[str] | None = None
) -> frozenset[str]:
    """Ids a worker can be shown: cited by an answer, a province rule or a calculator."""
    calculators = cited_provision_ids() if calculator_ids is None else frozenset(calculator_ids)
    return frozenset(c.provision_id for c in _all_citations(base)) | calculators


def _unknown_provisions(base: KnowledgeBase, citations: list[_Citation]) -> Iterator[Problem]:
    # A citation the knowledge base cannot resolve would crash, or show nothing, at the
    # moment a worker asks where a rule comes from.
    for citation in citations:
        if citation.provision_id not in base.provisions:
            yield Problem(
                ProblemCode.unknown_provision,
                citation.where,
                f"cites {citation.provision_id}, which no statute or province file stores",
            )


def _unused_provisions(base: KnowledgeBase, used: frozenset[str]) -> Iterator[Problem]:
    # A stored provision nothing cites is dead weight that nobody re-checks when the law
    # changes; it also hints that an answer forgot to cite the rule it paraphrases.
    for provision_id in sorted(base.provisions.keys() - used):
        yield Problem(
            ProblemCode.unused_provision,
            f"provisions/{provision_id}",
            f"{provision_id} is stored but cited by no answer, province rule or calculator",
        )


def _uncited_answers(base: KnowledgeBase) -> Iterator[Problem]:
    # Every answer tells a worker what the law says; a variant whose text cites nothing
    # cannot show her where that comes from (the model already requires it of law and
    # meaning segments; this also catches variants made only of care and next steps).
    for answer in base.answers.values():
        for variant in answer.variants:
            if not any(segment.cites for segment in variant.segments):
                yield Problem(
                    ProblemCode.uncited_answer,
                    f"answers/{answer.intent}[{_variant_name(variant.period)}]",
                    "no segment of this answer cites a provision",
                )


def _taxonomy_gaps(base: KnowledgeBase, intents: tuple[str, ...]) -> Iterator[Problem]:
    # The taxonomy is a contract with outside evaluation sets: an intent the classifier can
    # return must have an answer, and an answer for a name nobody returns is never shown.
    for intent in intents:
        if intent not in base.answers:
            yield Problem(
                ProblemCode.missing_answer,
                f"answers/{intent}",
                f"taxonomy intent {intent} has no answer file",
            )
    known = set(intents)
    for intent in sorted(base.answers):
        if intent not in known:
            yield Problem(
                ProblemCode.unknown_intent,
                f"answers/{intent}",
                f"answer for {intent}, which is not a domain intent of the taxonomy",
            )


def check(
    base: KnowledgeBase,
    *,
    intents: tuple[str, ...] = DOMAIN_INTENTS,
    calculator_ids: Iterable[str] | None = None,
) -> list[Problem]:
    """Every cross-file inconsistency in ``base``; an empty list means it is fit to ship.

    ``intents`` and ``calculator_ids`` default to the taxonomy and to the ids the shipped
    calculators cite; tests pass their own to check small fixture data.
    """
    citations = _all_citations(base)
    used = used_provision_ids(base, calculator_ids)
    return [
        *_unknown_provisions(base, citations),
        *_unused_provisions(base, used),
        *_uncited_answers(base),
        *_taxonomy_gaps(base, intents),
    ]
