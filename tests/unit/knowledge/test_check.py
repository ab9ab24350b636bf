"""The cross-file validator: each kind of problem on small fixture data, none when shipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.calculators import cited_provision_ids
from knowledge.check import DOMAIN_INTENTS, Problem, ProblemCode, check
from knowledge.loader import DATA_DIR, KnowledgeBase, load_from

INTENTS = ("ask_leave", "ask_pay")


def _law_file(*articles: int, law_id: str = "toy_law") -> dict[str, Any]:
    return {
        "law": {
            "id": law_id,
            "name": "玩具法",
            "short_name": "玩具法",
            "kind": "law",
            "issuer": "测试",
            "version": "测试版",
            "effective_date": "2020-01-01",
            "revision_year": 2020,
            "verification": "primary_text",
            "sources": [{"title": "fixture", "url": "https://example.invalid/toy"}],
        },
        "provisions": [
            {"id": f"{law_id}:{n}", "article": n, "text": f"第{n}条正文", "summary": "摘要"}
            for n in articles
        ],
    }


def _answer(
    intent: str, *, cites: list[str], short_cites: list[str] | None = None
) -> dict[str, Any]:
    """An answer whose one variant states a rule citing ``cites`` (or only comforts, if empty)."""
    opening: dict[str, Any] = (
        {"kind": "law", "text": "法律这样规定。", "cites": cites}
        if cites
        else {"kind": "care", "text": "先别着急。"}
    )
    return {
        "intent": intent,
        "title": "测试",
        "variants": [
            {
                "segments": [opening, {"kind": "next_step", "text": "拨打12333咨询。"}],
                "short": "这是一句可以读出来的话。",
                "short_cites": short_cites if short_cites is not None else cites,
            }
        ],
    }


def _province(basis: list[str]) -> dict[str, Any]:
    return {
        "province": "测试省",
        "short_name": "测试",
        "maternity": {"extra_days": 60, "basis": basis, "verification": "secondary"},
        "paternity_leave": {"days": 15, "verification": "secondary"},
        "parental_leave": {"days_per_year": 10, "verification": "secondary"},
        "checked_on": "2025-01-01",
    }


def _write(root: Path, relative: str, data: dict[str, Any]) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _base(
    tmp_path: Path,
    *,
    articles: tuple[int, ...] = (1, 2),
    answers: dict[str, dict[str, Any]] | None = None,
    province: dict[str, Any] | None = None,
) -> KnowledgeBase:
    for folder in ("statutes", "provinces", "answers"):
        (tmp_path / folder).mkdir(exist_ok=True)
    _write(tmp_path, "statutes/toy_law.yml", _law_file(*articles))
    if answers is None:
        answers = {
            "ask_leave": _answer("ask_leave", cites=["toy_law:1"]),
            "ask_pay": _answer("ask_pay", cites=["toy_law:2"]),
        }
    for name, data in answers.items():
        _write(tmp_path, f"answers/{name}.yml", data)
    if province is not None:
        _write(tmp_path, "provinces/test.yml", province)
    return load_from(tmp_path)


def _codes(problems: list[Problem]) -> list[tuple[ProblemCode, str]]:
    return [(problem.code, problem.where) for problem in problems]


def test_consistent_fixture_has_no_problems(tmp_path: Path) -> None:
    assert check(_base(tmp_path), intents=INTENTS, calculator_ids=()) == []


def test_citing_a_provision_nobody_stores(tmp_path: Path) -> None:
    answers = {
        "ask_leave": _answer("ask_leave", cites=["toy_law:1", "toy_law:9"]),
        "ask_pay": _answer("ask_pay", cites=["toy_law:2"]),
    }
    problems = check(_base(tmp_path, answers=answers), intents=INTENTS, calculator_ids=())
    assert _codes(problems) == [
        (ProblemCode.unknown_provision, "answers/ask_leave[default].segments[0]"),
        (ProblemCode.unknown_provision, "answers/ask_leave[default].short_cites"),
    ]
    assert "toy_law:9" in problems[0].message


def test_province_basis_citing_a_provision_nobody_stores(tmp_path: Path) -> None:
    base = _base(tmp_path, province=_province(["toy_law:7"]))
    problems = check(base, intents=INTENTS, calculator_ids=())
    where = "provinces/测试省.maternity.basis"
    assert _codes(problems) == [(ProblemCode.unknown_provision, where)]


def test_provision_nothing_cites(tmp_path: Path) -> None:
    problems = check(_base(tmp_path, articles=(1, 2, 3)), intents=INTENTS, calculator_ids=())
    assert _codes(problems) == [(ProblemCode.unused_provision, "provisions/toy_law:3")]


@pytest.mark.parametrize(
    ("province", "calculator_ids"),
    [(_province(["toy_law:3"]), ()), (None, ("toy_law:3",))],
    ids=["province-basis", "calculator"],
)
def test_province_basis_and_calculators_count_as_use(
    tmp_path: Path, province: dict[str, Any] | None, calculator_ids: tuple[str, ...]
) -> None:
    base = _base(tmp_path, articles=(1, 2, 3), province=province)
    assert check(base, intents=INTENTS, calculator_ids=calculator_ids) == []


def test_shipped_calculator_ids_are_used_by_default(tmp_path: Path) -> None:
    calculator_id = sorted(cited_provision_ids())[0]
    law_id = calculator_id.partition(":")[0]
    law = _law_file(1, law_id=law_id)
    law["provisions"] = [{"id": calculator_id, "text": "正文", "summary": "摘要"}]
    _write(tmp_path, f"statutes/{law_id}.yml", law)
    assert check(_base(tmp_path), intents=INTENTS) == []


def test_answer_whose_text_cites_nothing(tmp_path: Path) -> None:
    answers = {
        "ask_leave": _answer("ask_leave", cites=[], short_cites=["toy_law:1"]),
        "ask_pay": _answer("ask_pay", cites=["toy_law:2"]),
    }
    problems = check(_base(tmp_path, answers=answers), intents=INTENTS, calculator_ids=())
    assert _codes(problems) == [(ProblemCode.uncited_answer, "answers/ask_leave[default]")]


def test_taxonomy_intent_without_an_answer(tmp_path: Path) -> None:
    answers = {"ask_leave": _answer("ask_leave", cites=["toy_law:1", "toy_law:2"])}
    problems = check(_base(tmp_path, answers=answers), intents=INTENTS, calculator_ids=())
    assert _codes(problems) == [(ProblemCode.missing_answer, "answers/ask_pay")]


def test_answer_for_an_intent_outside_the_taxonomy(tmp_path: Path) -> None:
    answers = {
        "ask_leave": _answer("ask_leave", cites=["toy_law:1"]),
        "ask_pay": _answer("ask_pay", cites=["toy_law:2"]),
        "ask_weather": _answer("ask_weather", cites=["toy_law:1"]),
    }
    problems = check(_base(tmp_path, answers=answers), intents=INTENTS, calculator_ids=())
    assert _codes(problems) == [(ProblemCode.unknown_intent, "answers/ask_weather")]


def test_default_intents_are_the_taxonomy() -> None:
    assert len(DOMAIN_INTENTS) == len(set(DOMAIN_INTENTS)) == 29
    assert DOMAIN_INTENTS[0] == "three_period_dismissal"
    assert DOMAIN_INTENTS[-1] == "employment_help"


def test_shipped_knowledge_has_no_problems() -> None:
    """Passes once every statute and policy file the answers cite has been stored."""
    problems = check(load_from(DATA_DIR))
    assert problems == [], "\n".join(f"{p.code}: {p.where}: {p.message}" for p in problems)
