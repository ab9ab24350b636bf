"""Resolve what a worker writes for a place to one of the 31 provincial-level regions.

Workers write 山东, 山东省, 鲁, 济南, 济南市 or 山东济南; the calculators need the full official
province name (山东省), because the province files are keyed by it. The data is
``knowledge/data/regions.yml``: each province with its short name, aliases, its
prefecture-level cities and the county-level units the province administers directly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge.errors import KnowledgeDataError, UnknownProvinceError

__all__ = [
    "City",
    "Place",
    "Region",
    "RegionsFile",
    "find_place",
    "load_regions",
    "province_names",
    "resolve_province",
]

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "regions.yml"
PROVINCE_COUNT = 31
_NOISE = re.compile(r"[\s,，。.、:：;；!！?？\"'“”‘’（）()]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class City(_Strict):
    """A prefecture-level city (or a county-level unit run directly by the province)."""

    name: str = Field(min_length=2)
    short: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, self.short, *self.aliases]


class Region(_Strict):
    """A provincial-level region: province, autonomous region or municipality."""

    name: str = Field(min_length=2)
    short: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    cities: list[City] = Field(default_factory=list)
    direct_counties: list[City] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, self.short, *self.aliases]


class RegionsFile(_Strict):
    """``knowledge/data/regions.yml``."""

    provinces: list[Region]

    @model_validator(mode="after")
    def _thirty_one(self) -> RegionsFile:
        names = [region.name for region in self.provinces]
        if len(names) != PROVINCE_COUNT or len(set(names)) != PROVINCE_COUNT:
            raise ValueError(f"expected {PROVINCE_COUNT} distinct provinces, got {len(set(names))}")
        return self


@dataclass(frozen=True)
class Place:
    """A resolved place: the province, and the city when one was named."""

    province: str
    city: str | None = None


@dataclass(frozen=True)
class _Index:
    provinces: dict[str, str]
    places: dict[str, Place]
    keys_longest_first: tuple[str, ...]


def _normalise(text: str) -> str:
    return _NOISE.sub("", text)


@functools.cache
def load_regions(path: Path = REGIONS_FILE) -> RegionsFile:
    """Read and validate the regions file once per process."""
    try:
        with path.open(encoding="utf-8") as handle:
            return RegionsFile.model_validate(yaml.safe_load(handle))
    except (OSError, ValidationError, yaml.YAMLError) as error:
        raise KnowledgeDataError(f"{path.name}: {error}") from error


@functools.cache
def _index(path: Path = REGIONS_FILE) -> _Index:
    """Every name a place goes by, mapped to its place.

    Province names win over city names. A city name shared by cities in two provinces is
    ambiguous and left out, so that it cannot silently resolve to the wrong province.
    """
    regions = load_regions(path)
    provinces: dict[str, str] = {}
    for region in regions.provinces:
        for name in region.names():
            if provinces.setdefault(name, region.name) != region.name:
                raise KnowledgeDataError(f"regions.yml: {name} names two provinces")
    places: dict[str, Place] = {name: Place(province) for name, province in provinces.items()}
    ambiguous: set[str] = set()
    for region in regions.provinces:
        for city in [*region.cities, *region.direct_counties]:
            for name in city.names():
                if name in provinces:
                    continue
                found = places.setdefault(name, Place(region.name, city.name))
                if found.province != region.name:
                    ambiguous.add(name)
    for name in ambiguous:
        del places[name]
    keys = tuple(sorted(places, key=len, reverse=True))
    return _Index(provinces, places, keys)


def find_place(text: str, *, path: Path = REGIONS_FILE) -> Place:
    """The province (and city) meant by ``text``: a name, short name, alias or city.

    Exact names are tried first; then the longest known name that ``text`` starts with
    (山东济南 → 山东省, 济南市历下区 → 济南市). Raises ``UnknownProvinceError``.
    """
    index = _index(path)
    wanted = _normalise(text)
    if not wanted:
        raise UnknownProvinceError(text)
    if wanted in index.places:
        return index.places[wanted]
    for key in index.keys_longest_first:
        if len(key) >= 2 and wanted.startswith(key):
            place = index.places[key]
            rest = wanted[len(key) :]
            if place.city is None and rest:
                for city_key in index.keys_longest_first:
                    city = index.places[city_key]
                    if (
                        len(city_key) >= 2
                        and city.province == place.province
                        and rest.startswith(city_key)
                    ):
                        return city
            return place
    raise UnknownProvinceError(text)


def resolve_province(text: str, *, path: Path = REGIONS_FILE) -> str:
    """The full official province name for a province or city name (济南 → 山东省)."""
    return find_place(text, path=path).province


def province_names(path: Path = REGIONS_FILE) -> list[str]:
    """The 31 full province names, in the file's order."""
    return [region.name for region in load_regions(path).provinces]
