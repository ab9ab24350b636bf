"""Names and phone numbers never sit in clear in Rasa's tracker store, yet the engine gets
them back: flows/tracker_store.py exercised inside the engine's venv (Rasa 3.6), on the
embedded SQLite file and on real PostgreSQL, built from the endpoints bot/engine/config.py
writes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.engine.config import TRACKER_STORE_TYPE, endpoints_config
from bot.engine.model import ENGINE_VENV, engine_environment
from bot.settings import PROJECT_ROOT, Settings

PROBE = Path(__file__).with_name("engine_probe.py")
KEY = "tracker-test-key-0123456789abcdef"
PERSONAL = ("13900112233", "139 0011", "１３９", "0011 2233", "王小花")

pytestmark = pytest.mark.skipif(
    not (ENGINE_VENV / "bin" / "python").exists(), reason="engine venv .venv-rasa missing"
)


def _probe(command: str, store: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(
        [str(ENGINE_VENV / "bin" / "python"), str(PROBE), command, json.dumps(store)],
        cwd=PROJECT_ROOT,
        env=engine_environment(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert output["store_type"] == "EncryptingSQLTrackerStore"
    return output


def _raw_rows(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT data FROM events ORDER BY id"))
            return [row[0] for row in rows]
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[dict[str, Any], str]:
    """The engine's tracker-store config and a URL to read its table directly."""
    if request.param == "sqlite":
        settings = Settings(_env_file=None, var_dir=tmp_path, phone_encryption_key=KEY)
        url = f"sqlite:///{settings.rasa_tracker_db}"
    else:
        url = request.getfixturevalue("pg_url")
        settings = Settings(
            _env_file=None, var_dir=tmp_path, database_url=url, phone_encryption_key=KEY
        )
    config = endpoints_config(settings)["tracker_store"]
    assert config["type"] == TRACKER_STORE_TYPE
    return config, url


def test_the_stored_rows_hold_no_name_or_phone_in_clear(store: tuple[dict[str, Any], str]) -> None:
    config, url = store
    _probe("save", config)
    rows = _raw_rows(url)
    # Rasa writes JSON with \u escapes; read it back both ways
    raw = "\n".join(rows) + "\n".join(json.dumps(json.loads(r), ensure_ascii=False) for r in rows)
    assert [value for value in PERSONAL if value in raw] == []
    sealed = [json.loads(row) for row in rows if '"sealed"' in row]
    kinds = sorted({(event["event"], event.get("name")) for event in sealed})
    # her name (also the first message, sent before the form knew it was a name), her
    # phone message, both slots, the bot's summary naming her
    assert ("slot", "person_name") in kinds and ("slot", "phone") in kinds
    assert ("user", None) in kinds and ("bot", None) in kinds


def test_what_is_not_personal_stays_readable(store: tuple[dict[str, Any], str]) -> None:
    config, url = store
    _probe("save", config)
    events = [json.loads(row) for row in _raw_rows(url)]
    texts = [e.get("text") for e in events if e["event"] in ("user", "bot")]
    assert "好的" in texts and "我在济南" in texts and "请留一个手机号。" in texts
    intents = [e["parse_data"]["intent"]["name"] for e in events if e["event"] == "user"]
    assert intents == ["book_appointment", "inform", "inform", "inform", "affirm"]
    assert {"event": "slot", "name": "booking_city", "value": "济南"}.items() <= next(
        e for e in events if e.get("name") == "booking_city"
    ).items()


def test_a_loaded_conversation_has_her_name_and_phone_back(
    store: tuple[dict[str, Any], str],
) -> None:
    config, _ = store
    _probe("save", config)
    loaded = _probe("load", config)
    assert loaded["slots"] == {
        "person_name": "王小花",
        "phone": "13900112233",
        "booking_city": "济南",
    }
    assert loaded["user_texts"] == [
        "你好，我叫王小花，想预约",
        "我在济南",
        "王小花",
        "１３９ 0011 2233",
        "好的",
    ]
    assert "请核对预约信息：王小花，139****2233。" in loaded["bot_texts"]
    assert loaded["entities"][3][0]["value"] == "13900112233"


def test_another_key_cannot_read_the_sealed_values(store: tuple[dict[str, Any], str]) -> None:
    config, _ = store
    _probe("save", config)
    loaded = _probe("load", {**config, "encryption_key": "some-other-key-0123456789abcdef"})
    assert loaded["slots"]["person_name"] is None and loaded["slots"]["phone"] is None
    assert loaded["slots"]["booking_city"] == "济南"
    assert "王小花" not in json.dumps(loaded, ensure_ascii=False)
