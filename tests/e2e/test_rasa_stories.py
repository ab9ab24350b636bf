"""The dialogue's test stories (flows/tests/test_*.yml) pass against the trained model.

`rasa test core` replays each story and checks that the engine predicts every action the
story names: the walkthrough's start, form, review and explanation, asides that return
to the form, care, handoff, repair and the dispute path.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.engine.model import engine_environment, ensure_model, rasa_executable
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

STORIES = PROJECT_ROOT / "flows" / "tests"


def test_every_conversation_story_is_predicted_by_the_model(tmp_path: Path) -> None:
    model, _ = ensure_model(PROJECT_ROOT / "models")
    result = subprocess.run(
        [
            str(rasa_executable()),
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(STORIES),
            "--out",
            str(tmp_path),
            "--no-plot",
        ],
        cwd=PROJECT_ROOT,
        env=engine_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "story_report.json").read_text(encoding="utf-8"))
    conversations = report["conversation_accuracy"]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert conversations["total"] >= 20, conversations
    assert conversations["correct"] == conversations["total"], failed
