"""A worker books through the whole stack (gateway → engine → actions → store) and leaves
no trace of her name or phone number in any log, in the CLI's own output, or in clear in
the engine's tracker store.

The stack is private to this module and logs at INFO — the production level — rather
than the quieter WARNING of the shared e2e stack: what production would write is what
is checked.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections.abc import Iterator

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import Stack, running_stack

pytestmark = pytest.mark.e2e

NAME = "欧阳秀珍"
PHONE = "13700112299"
TYPED_PHONE = "137 0011 2299"  # as she types it; stored and logged in no form at all
USER = "privacy-worker"


@pytest.fixture(scope="module")
def info_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("privacy-var"), LOG_LEVEL="INFO") as started:
        yield started


def _forms_found(text: str) -> list[str]:
    """Which forms of her name or number ``text`` holds: plain, spaced or dashed digits,
    JSON's \\u escapes of her name."""
    digits_only = re.sub(r"[\s\-－]", "", text)
    found = []
    if PHONE in digits_only:
        found.append("phone")
    if PHONE[-8:] in digits_only:
        found.append("phone-last-8")
    if NAME in text:
        found.append("name")
    escaped = NAME.encode("unicode_escape").decode("ascii")
    if escaped in text or escaped.upper().replace("\\U", "\\u") in text:
        found.append("name-escaped")
    return found


@pytest.fixture(scope="module")
def booked(info_stack: Stack) -> list[subprocess.CompletedProcess[str]]:
    """Her booking through the chat, then the commands staff would run; their results."""
    imported = info_stack.hotline(
        "stations", "import", str(PROJECT_ROOT / "data" / "stations.demo.yaml")
    )
    assert imported.returncode == 0, imported.stderr
    lines = ["我想预约维权接待日", "济南", "1", "1", "1", f"我叫{NAME}", TYPED_PHONE, "1"]
    chat = info_stack.hotline(
        "chat", "--json", "--user", USER, stdin="\n".join(lines) + "\n", timeout=180
    )
    assert chat.returncode == 0, chat.stderr
    turns = [json.loads(line) for line in chat.stdout.splitlines()]
    summary = "\n".join(r["text"] for r in turns[-2]["replies"])
    assert "请核对预约信息" in summary and "137****2299" in summary  # the form really ran
    assert "预约成功" in "\n".join(r["text"] for r in turns[-1]["replies"])
    listed = info_stack.hotline("appointments", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [a["phone_masked"] for a in json.loads(listed.stdout)] == ["137****2299"]
    purge = info_stack.hotline("purge")
    return [imported, chat, listed, purge]


def test_no_log_file_of_the_stack_holds_her_name_or_phone(
    info_stack: Stack, booked: list[subprocess.CompletedProcess[str]]
) -> None:
    files = sorted({*info_stack.logs.values(), *info_stack.var_dir.rglob("*.log")})
    assert info_stack.var_dir / "rasa.log" in files
    found = {
        path.name: forms
        for path in files
        if (forms := _forms_found(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert found == {}
    # the logs were written at INFO: something is there to check
    assert any(path.stat().st_size > 0 for path in files)


def test_the_cli_writes_nothing_personal_on_its_error_stream(
    booked: list[subprocess.CompletedProcess[str]],
) -> None:
    found = {" ".join(r.args[1:3]): _forms_found(r.stderr) for r in booked}
    assert {command: forms for command, forms in found.items() if forms} == {}


def test_the_tracker_store_holds_her_conversation_but_not_her_name_or_phone_in_clear(
    info_stack: Stack, booked: list[subprocess.CompletedProcess[str]]
) -> None:
    database = info_stack.var_dir / "rasa_tracker.db"
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id LIKE ?", (f"%{USER}%",)
        ).fetchall()
    assert len(rows) > 20  # the store the engine really used, with her whole booking
    raw = "\n".join(row[0] for row in rows)
    readable = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
    assert _forms_found(raw) == [] and _forms_found(readable) == []
    assert '"sealed"' in raw
    assert "济南" in readable  # what is not personal stays readable
