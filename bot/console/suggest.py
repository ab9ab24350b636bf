"""Suggested replies for a hotline operator, from the engine's parse and the legal knowledge.

As the operator types what the caller says, the console shows what the question is about
(intent and confidence), the facts found in it (province, dates, period), and three replies
short enough to read aloud, each with its legal basis. The replies are the knowledge base's
``short`` answers (≤ 120 characters) in the variant for the caller's period; when the
engine's top intents have fewer than three answers, BM25 retrieval over the answers fills
the rest, so suggestions keep coming even when the engine is down.

Pure logic: the caller supplies the parse (a dict as Rasa's ``/model/parse`` returns it).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.citations import cite
from knowledge.loader import KnowledgeBase, load_knowledge
from knowledge.periods import parse_period
from knowledge.retrieval import search

__all__ = ["BOOKING_INTENTS", "Suggestion", "Suggestions", "build_suggestions"]

SUGGESTION_COUNT = 3
MIN_RANKED_CONFIDENCE = 0.1  # below this, retrieval suggests better than the ranking
BOOKING_INTENTS = frozenset(
    {"book_appointment", "cancel_appointment", "reschedule_appointment", "query_appointment"}
)
# What an operator usually says next about a problem: its dispute path or the closest
# related right. Used after the engine's own alternatives and before plain retrieval.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "three_period_dismissal": ("unlawful_termination", "arbitration_procedure"),
    "three_period_pay_cut": ("arbitration_procedure", "labor_inspection_complaint"),
    "three_period_job_change": ("labor_inspection_complaint", "arbitration_procedure"),
    "prenatal_checkup": ("three_period_pay_cut", "labor_inspection_complaint"),
    "maternity_leave": ("maternity_allowance", "nursing_time"),
    "miscarriage_leave": ("maternity_allowance", "emotional_support"),
    "maternity_allowance": ("social_insurance", "maternity_leave"),
    "nursing_time": ("three_period_job_change", "labor_inspection_complaint"),
    "parental_leave": ("maternity_leave", "other_leave"),
    "hiring_discrimination": ("labor_inspection_complaint", "legal_aid"),
    "sexual_harassment": ("emotional_support", "legal_aid"),
    "wage_arrears": ("labor_inspection_complaint", "arbitration_procedure"),
    "social_insurance": ("labor_inspection_complaint", "maternity_allowance"),
    "unlawful_termination": ("arbitration_procedure", "legal_aid"),
    "overtime_pay": ("labor_inspection_complaint", "arbitration_procedure"),
    "labor_contract": ("arbitration_procedure", "labor_inspection_complaint"),
    "work_injury": ("social_insurance", "legal_aid"),
    "arbitration_procedure": ("legal_aid", "mediation"),
    "mediation": ("arbitration_procedure", "legal_aid"),
    "legal_aid": ("arbitration_procedure", "hotline_info"),
    "labor_inspection_complaint": ("arbitration_procedure", "hotline_info"),
    "emotional_support": ("hotline_info", "legal_aid"),
    "other_leave": ("labor_inspection_complaint", "arbitration_procedure"),
    "employment_help": ("hotline_info", "social_insurance"),
    "hotline_info": ("legal_aid", "mediation"),
}
# Facts worth carrying into a walkthrough started on the caller's behalf.
CARRIED_ENTITIES = ("province", "city", "period", "babies", "birth_type")


@dataclass(frozen=True)
class StartAction:
    """What one click does: start a walkthrough or a booking in the caller's conversation."""

    kind: str  # "walkthrough" | "booking"
    label: str
    payload: str


@dataclass(frozen=True)
class Suggestion:
    intent: str
    title: str
    text: str
    citations: list[str]
    score: float
    source: str  # "engine" (the intent ranking) | "follow_up" (its next step) | "retrieval"
    action: StartAction


@dataclass(frozen=True)
class Suggestions:
    text: str
    intent: str | None
    confidence: float | None
    entities: list[dict[str, Any]]
    suggestions: list[Suggestion] = field(default_factory=list)
    engine: str = "up"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _entities(parse: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("entity", "value", "role", "start", "end")
    return [
        {k: e[k] for k in keep if e.get(k) is not None}
        for e in parse.get("entities", [])
        if isinstance(e, dict) and e.get("entity")
    ]


def _payload(intent: str, entities: list[dict[str, Any]], province: str | None) -> str:
    """A Rasa payload that starts ``intent`` with the facts already known, e.g.
    ``/maternity_leave{"province": "山东省"}``."""
    facts: dict[str, Any] = {}
    for entity in entities:
        if entity["entity"] in CARRIED_ENTITIES and entity["entity"] not in facts:
            facts[entity["entity"]] = entity["value"]
    if province and "province" not in facts:
        facts["province"] = province
    if not facts:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(facts, ensure_ascii=False)


def _action(intent: str, entities: list[dict[str, Any]], province: str | None) -> StartAction:
    if intent in BOOKING_INTENTS:
        return StartAction("booking", "代为预约", _payload(intent, entities, province))
    return StartAction("walkthrough", "开始引导", _payload(intent, entities, province))


def build_suggestions(
    text: str,
    parse: dict[str, Any] | None,
    *,
    province: str | None = None,
    base: KnowledgeBase | None = None,
) -> Suggestions:
    """Intent, entities and the top three read-aloud replies for ``text``.

    ``parse`` is the engine's parse, or None when the engine is down (retrieval only).
    """
    knowledge = base or load_knowledge()
    parse = parse or {}
    intent_data = parse.get("intent") or {}
    top_intent = intent_data.get("name")
    entities = _entities(parse)
    period_value = next((e["value"] for e in entities if e["entity"] == "period"), None)
    try:
        period = parse_period(str(period_value)) if period_value else None
    except ValueError:
        period = None

    ranked: list[tuple[str, float, str]] = []
    for item in parse.get("intent_ranking") or [intent_data]:
        name = item.get("name") if isinstance(item, dict) else None
        confidence = float(item.get("confidence") or 0.0) if isinstance(item, dict) else 0.0
        if (
            name
            and name in knowledge.answers
            and ((not ranked and name == top_intent) or confidence >= MIN_RANKED_CONFIDENCE)
        ):
            ranked.append((name, confidence, "engine"))
    chosen = {name for name, _, _ in ranked[:SUGGESTION_COUNT]}
    candidates = ranked[:SUGGESTION_COUNT]
    if candidates:
        for follow_up in FOLLOW_UPS.get(candidates[0][0], ()):
            wanted = len(candidates) < SUGGESTION_COUNT and follow_up not in chosen
            if wanted and follow_up in knowledge.answers:
                candidates.append((follow_up, 0.0, "follow_up"))
                chosen.add(follow_up)
    if len(candidates) < SUGGESTION_COUNT:
        hint = top_intent if top_intent in knowledge.answers else None
        for hit in search(text, intent=hint, kind="answer", limit=6, base=knowledge):
            if hit.id not in chosen and len(candidates) < SUGGESTION_COUNT:
                candidates.append((hit.id, hit.score, "retrieval"))
                chosen.add(hit.id)

    suggestions = []
    for name, score, source in candidates:
        answer = knowledge.answers[name]
        variant = answer.variant(period)
        suggestions.append(
            Suggestion(
                intent=name,
                title=answer.title,
                text=variant.short,
                citations=[cite(c, knowledge) for c in variant.short_cites],
                score=round(score, 4),
                source=source,
                action=_action(name, entities, province),
            )
        )
    return Suggestions(
        text=text,
        intent=top_intent,
        confidence=intent_data.get("confidence"),
        entities=entities,
        suggestions=suggestions,
        engine="up" if parse else "down",
    )
