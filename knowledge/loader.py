"""Load and validate the knowledge data once per process.

Data files live beside this module (``knowledge/data``) and are found relative to it, so
the knowledge base works the same from a checkout, an installed wheel or a container.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from knowledge.errors import KnowledgeDataError, UnknownProvisionError
from knowledge.models import Answer, Law, LawFile, ProvinceFile, Provision

__all__ = ["DATA_DIR", "KnowledgeBase", "load_knowledge"]

T = TypeVar("T", LawFile, ProvinceFile, Answer)

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class KnowledgeBase:
    """All laws, provisions, provincial rules and answers, indexed by id."""

    laws: dict[str, Law] = field(default_factory=dict)
    provisions: dict[str, Provision] = field(default_factory=dict)
    provinces: dict[str, ProvinceFile] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)

    def provision(self, provision_id: str) -> Provision:
        """The provision with this id; a clear error rather than a silent gap."""
        try:
            return self.provisions[provision_id]
        except KeyError:
            raise UnknownProvisionError(provision_id) from None

    def law_of(self, provision_id: str) -> Law:
        return self.laws[self.provision(provision_id).law_id]


def _read_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _validated(model: type[T], path: Path) -> T:
    try:
        return model.model_validate(_read_yaml(path))
    except (ValidationError, yaml.YAMLError) as error:
        raise KnowledgeDataError(f"{path.relative_to(DATA_DIR)}: {error}") from error


def _add_law_file(base: KnowledgeBase, law_file: LawFile, path: Path) -> None:
    if law_file.law.id in base.laws:
        raise KnowledgeDataError(f"{path.name}: law {law_file.law.id} is defined twice")
    base.laws[law_file.law.id] = law_file.law
    for provision in law_file.provisions:
        if provision.id in base.provisions:
            raise KnowledgeDataError(f"{path.name}: provision {provision.id} is stored twice")
        base.provisions[provision.id] = provision


def load_from(data_dir: Path) -> KnowledgeBase:
    """Read every data file under ``data_dir`` (used by tests with small fixtures)."""
    base = KnowledgeBase()
    for path in sorted((data_dir / "statutes").glob("*.yml")):
        _add_law_file(base, _validated(LawFile, path), path)
    for path in sorted((data_dir / "provinces").glob("*.yml")):
        province = _validated(ProvinceFile, path)
        if province.province in base.provinces:
            raise KnowledgeDataError(f"{path.name}: {province.province} is defined twice")
        base.provinces[province.province] = province
        for law_file in province.laws:
            _add_law_file(base, law_file, path)
    for path in sorted((data_dir / "answers").glob("*.yml")):
        answer = _validated(Answer, path)
        if answer.intent in base.answers:
            raise KnowledgeDataError(f"{path.name}: answer for {answer.intent} is defined twice")
        base.answers[answer.intent] = answer
    return base


@functools.cache
def load_knowledge() -> KnowledgeBase:
    """The knowledge base shipped with the package, loaded once per process."""
    return load_from(DATA_DIR)
