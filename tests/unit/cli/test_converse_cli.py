"""`hotline ask` / `hotline chat` when the gateway is not running: a clear way forward."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.settings import get_settings


@pytest.fixture(autouse=True)
def unreachable_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_URL", "http://127.0.0.1:9")  # the discard port: nothing answers
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "argv", [["ask", "你好", "--json"], ["chat", "--json"]], ids=["ask", "chat"]
)
def test_without_a_gateway_it_says_how_to_start_it(argv: list[str]) -> None:
    result = CliRunner().invoke(app, argv, input="你好\n")
    assert result.exit_code == 3
    assert "make run" in result.output
    assert "http://127.0.0.1:9" in result.output
