"""Resolving province and city names to the full province name (knowledge/data/regions.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.errors import KnowledgeDataError, UnknownProvinceError
from knowledge.regions import Place, find_place, load_regions, province_names, resolve_province


@pytest.mark.parametrize(
    ("text", "province"),
    [
        pytest.param("山东", "山东省", id="short-name"),
        pytest.param("山东省", "山东省", id="full-name"),
        pytest.param("鲁", "山东省", id="alias"),
        pytest.param("济南", "山东省", id="jinan-city"),
        pytest.param("济南市", "山东省", id="jinan-city-full"),
        pytest.param("淄博", "山东省", id="zibo-city"),
        pytest.param("随州", "湖北省", id="suizhou-city"),
        pytest.param("山东济南", "山东省", id="province-then-city"),
        pytest.param("济南市历下区", "山东省", id="city-then-district"),
        pytest.param(" 北京 ", "北京市", id="municipality-with-spaces"),
        pytest.param("广西", "广西壮族自治区", id="autonomous-region"),
        pytest.param("内蒙", "内蒙古自治区", id="colloquial-alias"),
        pytest.param("吉林", "吉林省", id="jilin-province"),
        pytest.param("吉林市", "吉林省", id="jilin-city"),
        pytest.param("海南", "海南省", id="hainan-province"),
        pytest.param("海南州", "青海省", id="hainan-prefecture-in-qinghai"),
        pytest.param("仙桃", "湖北省", id="county-run-by-province"),
    ],
)
def test_resolve_province(text: str, province: str) -> None:
    assert resolve_province(text) == province


def test_city_is_reported_with_its_province() -> None:
    assert find_place("随州") == Place("湖北省", "随州市")
    assert find_place("山东济南") == Place("山东省", "济南市")
    assert find_place("山东") == Place("山东省", None)


@pytest.mark.parametrize(
    "text",
    ["火星", "", "   ", "香港特别行政区", "省"],
    ids=["mars", "empty", "blank", "hong-kong", "bare-suffix"],
)
def test_unknown_names_raise(text: str) -> None:
    with pytest.raises(UnknownProvinceError) as raised:
        resolve_province(text)
    assert "未知的省份" in str(raised.value)


def test_all_thirty_one_provinces_are_listed() -> None:
    names = province_names()
    assert len(names) == 31 == len(set(names))
    assert {"北京市", "山东省", "湖北省", "新疆维吾尔自治区"} <= set(names)


def test_every_full_name_resolves_to_itself() -> None:
    for name in province_names():
        assert resolve_province(name) == name


def test_a_malformed_file_fails_loudly(tmp_path: Path) -> None:
    data = {"provinces": [region.model_dump() for region in load_regions().provinces[:30]]}
    bad = tmp_path / "regions.yml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeDataError):
        load_regions(bad)
