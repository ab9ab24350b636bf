"""Provincial figures cite the province's own provisions, never the national article.

The national 98 days rest on 《女职工劳动保护特别规定》第七条 (``women_protection_rules:7.1``);
the days a province adds rest on that province's own regulation. Showing the provincial days
with the national article as their basis would tell a worker the wrong law, so each of the 31
province files is checked here, together with the word-id form (``law:maternity_leave``) used
for provisions whose article number was not seen.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from knowledge.calculators.leave import UNCITED_PROVINCIAL_DAYS, maternity_leave
from knowledge.citations import cite
from knowledge.loader import load_knowledge
from knowledge.models import (
    MaternityRule,
    ParentalLeaveRule,
    PaternityLeaveRule,
    ProvinceFile,
    Provision,
)

NATIONAL = "women_protection_rules:7.1"
KB = load_knowledge()
PROVINCES = sorted(KB.provinces)


def own_law_ids(province: ProvinceFile) -> set[str]:
    return {law_file.law.id for law_file in province.laws}


def test_all_31_regions_are_checked() -> None:
    assert len(PROVINCES) == 31


@pytest.mark.parametrize("name", PROVINCES)
def test_provincial_days_cite_only_the_provinces_own_laws(name: str) -> None:
    province = KB.provinces[name]
    result = maternity_leave(province=province, birth_order=1)
    provincial = [c for c in result.components if c.reason.startswith(f"{name}增加的产假")]
    assert len(provincial) == 1, "every province file adds some days of its own"
    basis = provincial[0].basis
    assert NATIONAL not in basis
    assert {pid.split(":", 1)[0] for pid in basis} <= own_law_ids(province)
    if basis:
        assert UNCITED_PROVINCIAL_DAYS not in result.notes
        assert all(pid in KB.provisions for pid in basis)
    else:
        assert UNCITED_PROVINCIAL_DAYS in result.notes
    # the national component still cites the national article
    assert result.components[0].basis == (NATIONAL,)


@pytest.mark.parametrize("name", PROVINCES)
def test_province_rules_cite_their_own_provisions(name: str) -> None:
    province = KB.provinces[name]
    own = own_law_ids(province)
    for pid in province.maternity.basis:
        assert pid == NATIONAL or pid.split(":", 1)[0] in own, pid
    for rule in (province.paternity_leave, province.parental_leave, province.allowance):
        for pid in rule.basis:
            assert pid.split(":", 1)[0] in own, pid


@pytest.mark.parametrize("name", PROVINCES)
def test_a_stored_provincial_provision_is_cited_for_maternity(name: str) -> None:
    """A province with a law entry must not fall back to the national article alone."""
    province = KB.provinces[name]
    if province.laws:
        own = own_law_ids(province)
        assert any(pid.split(":", 1)[0] in own for pid in province.maternity.basis)


def test_unconfirmed_basis_note_is_plain_chinese() -> None:
    assert UNCITED_PROVINCIAL_DAYS == "本省延长产假的条文出处未能核实，请以当地规定为准。"


def test_province_without_own_provision_gets_the_note_and_an_empty_basis() -> None:
    province = ProvinceFile(
        province="测试省",
        short_name="测试",
        maternity=MaternityRule(
            extra_days=60, dystocia_days=30, basis=[NATIONAL], verification="unconfirmed"
        ),
        paternity_leave=PaternityLeaveRule(days=15, verification="unconfirmed"),
        parental_leave=ParentalLeaveRule(days_per_year=10, verification="unconfirmed"),
        checked_on=date(2025, 1, 1),
    )
    result = maternity_leave(province=province, dystocia=True)
    assert [c.days for c in result.components] == [98, 30, 60]
    assert result.components[1].basis == (NATIONAL,)
    assert result.components[2].basis == ()
    assert UNCITED_PROVINCIAL_DAYS in result.notes
    assert any("难产增加产假天数的条文出处未能核实" in note for note in result.notes)


# --- word ids: provisions whose article number was not seen ------------------------------


def test_word_id_citation_reads_as_law_name_and_label() -> None:
    assert (
        cite("tianjin_population_regulations:maternity_leave", KB)
        == "《天津市人口与计划生育条例》（条文序号未核实）"
    )


def test_every_word_id_provision_cites_its_law_and_label() -> None:
    unnumbered = [p for p in KB.provisions.values() if p.is_unnumbered]
    assert unnumbered, "the province files use word ids"
    for provision in unnumbered:
        law = KB.laws[provision.law_id]
        assert provision.article is None
        assert cite(provision.id, KB) == f"《{law.name}》{provision.label}"
        assert "未核实" in (provision.label or "")


def test_numbered_old_version_keeps_its_label() -> None:
    assert (
        cite("guangxi_population_regulations:25", KB)
        == "《广西壮族自治区人口和计划生育条例》第二十五条（2016年修正文本）"
    )


def _provision(pid: str, **fields: object) -> Provision:
    return Provision(id=pid, text="测试条文", summary="测试", **fields)


@pytest.mark.parametrize(
    "pid",
    [
        "labor_contract_law:42",
        "labor_contract_law:42.2",
        "women_protection_rules:annex.3",
        "women_protection_rules:annex",
        "some_law:preamble",
    ],
)
def test_existing_id_forms_stay_valid(pid: str) -> None:
    assert not _provision(pid, article=None).is_unnumbered


def test_word_id_is_valid_with_a_label() -> None:
    provision = _provision(
        "hubei_population_regulations:maternity_leave", label="（条文序号未核实）"
    )
    assert provision.is_unnumbered
    assert provision.article is None


@pytest.mark.parametrize(
    ("pid", "fields"),
    [
        pytest.param("x_regulations:maternity_leave", {}, id="word-id-without-label"),
        pytest.param(
            "x_regulations:maternity_leave",
            {"article": 31, "label": "（条文序号未核实）"},
            id="word-id-with-article",
        ),
        pytest.param("x_regulations:Maternity", {"label": "x"}, id="uppercase"),
        pytest.param("x_regulations:leave2", {"label": "x"}, id="digit-in-word"),
        pytest.param("x_regulations:_leave", {"label": "x"}, id="leading-underscore"),
    ],
)
def test_bad_word_ids_are_rejected(pid: str, fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _provision(pid, **fields)
