"""Check that every annotated entity in the NLU data falls on jieba token boundaries.

Rasa's ``JiebaTokenizer`` cuts each example into words with the project's user dictionary;
an entity span that starts or ends inside a word cannot be learned (Rasa only warns and
then trains on a wrong label). This script segments every training example the way the
tokenizer does, with ``jieba.tokenize`` and ``nlu/dictionary/*``, and lists every span whose
start or end is not a token boundary. It also lists entity names, roles and normalised
values that are not those of the taxonomy.

Usage: ``python3 nlu/tools/check_alignment.py [FILE.yml ...]`` (default: ``nlu/data/*.yml``).
Exit status 1 when anything is reported.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jieba
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "nlu" / "data"
DICTIONARY_DIR = ROOT / "nlu" / "dictionary"

# Rasa's own pattern for inline entity annotations
# (rasa/shared/nlu/training_data/entities_parser.py).
ENTITY_PATTERN = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|\{(?P<dict>[^}]+?)\})"
)

ENTITIES = {
    "period",
    "province",
    "city",
    "date",
    "pregnancy_weeks",
    "child_age_months",
    "babies",
    "birth_type",
    "money",
    "employer",
    "phone",
    "person_name",
    "service",
}
VALUES = {
    "period": {"pregnancy", "maternity", "nursing", "all"},
    "birth_type": {"顺产", "剖宫产", "难产"},
    "service": {"reception_day", "legal_aid"},
}
ROLES = {"date": {"birth", "due", "event", "appointment"}}


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    entity: str
    value: str | None
    role: str | None


def parse_example(annotated: str) -> tuple[str, list[Entity]]:
    """The plain text of an annotated example and its entities (character offsets)."""
    plain: list[str] = []
    entities: list[Entity] = []
    cursor = 0
    length = 0
    for match in ENTITY_PATTERN.finditer(annotated):
        before = annotated[cursor : match.start()]
        plain.append(before)
        length += len(before)
        text = match["text"]
        if match["dict"] is not None:
            spec = json.loads("{" + match["dict"] + "}")
            entity, value, role = spec.get("entity", ""), spec.get("value"), spec.get("role")
        else:
            entity, value, role = match["entity"], match["value"], None
        entities.append(Entity(length, length + len(text), text, entity, value, role))
        plain.append(text)
        length += len(text)
        cursor = match.end()
    plain.append(annotated[cursor:])
    return "".join(plain), entities


def examples(path: Path) -> Iterator[tuple[str, str]]:
    """(intent or block name, annotated example) for every example block in a Rasa NLU file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue  # lookups, synonyms and regexes hold no annotations
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield block["intent"], line[2:].strip()


def problems(annotated: str) -> list[str]:
    """What is wrong with one example: misaligned spans and names outside the taxonomy."""
    try:
        text, entities = parse_example(annotated)
    except json.JSONDecodeError as error:
        return [f"bad entity annotation ({error})"]
    tokens = list(jieba.tokenize(text))
    starts = {start for _, start, _ in tokens}
    ends = {end for _, _, end in tokens}
    found = []
    if any(mark in text for mark in "[]{}"):
        found.append("a bracket is left in the text: an annotation is malformed")
    for entity in entities:
        if entity.start not in starts or entity.end not in ends:
            cut = "/".join(word for word, _, _ in tokens)
            found.append(f"span [{entity.text}]({entity.entity}) is not whole words: {cut}")
        if entity.entity not in ENTITIES:
            found.append(f"unknown entity {entity.entity!r}")
        allowed = VALUES.get(entity.entity)
        if allowed is not None and (entity.value or entity.text) not in allowed:
            value = entity.value or entity.text
            found.append(f"{entity.entity} value {value!r} not in {sorted(allowed)}")
        if entity.role is not None and entity.role not in ROLES.get(entity.entity, set()):
            found.append(f"role {entity.role!r} not allowed for {entity.entity}")
        if entity.entity == "date" and entity.role is None:
            found.append(f"date [{entity.text}] has no role")
    return found


def load_dictionaries() -> None:
    jieba.setLogLevel(logging.WARNING)
    for path in sorted(DICTIONARY_DIR.glob("*")):
        if path.is_file():
            jieba.load_userdict(str(path))


def main(argv: list[str]) -> int:
    files = [Path(arg) for arg in argv] or sorted(DATA_DIR.glob("*.yml"))
    load_dictionaries()
    count = checked = 0
    for path in files:
        for intent, annotated in examples(path):
            checked += 1
            for problem in problems(annotated):
                count += 1
                print(f"{path.name} [{intent}] {annotated}\n    {problem}")
    print(f"{checked} examples in {len(files)} files, {count} problems")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
