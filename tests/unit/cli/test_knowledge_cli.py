"""`hotline knowledge check` passes on the shipped knowledge and reports what it counted."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli.main import app


def test_knowledge_check_passes_on_the_shipped_data() -> None:
    result = CliRunner().invoke(app, ["knowledge", "check", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["ok"] is True and summary["problems"] == []
    assert summary["provinces"] == 31
    assert summary["answers"] == 29
    assert summary["provisions"] >= 150
