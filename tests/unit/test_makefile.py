"""`make` explains what to do when Python 3.10 (needed by the engine) is missing."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from bot.settings import PROJECT_ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_missing_python310_points_to_docker() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "check-python310", "PYTHON310="],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Python 3.10" in result.stdout
    assert "docker compose up" in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_run_and_test_targets_do_their_own_setup() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "run", "test"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    plan = result.stdout
    for step in (
        "-m venv .venv",
        "-m venv .venv-rasa",
        "hotline engine train",
        "hotline db upgrade",
        "honcho start",
        "pytest",
    ):
        assert step in plan, step
