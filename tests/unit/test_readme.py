"""The README documents the two set-up commands and every setting."""

from __future__ import annotations

from bot.settings import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = [
        name.upper() for name in Settings.model_fields if f"| `{name.upper()}` |" not in README
    ]
    assert missing == []


def test_quick_start_has_exactly_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "\nmake test\n" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
