"""Engine endpoints follow DATABASE_URL / REDIS_URL; the model is retrained only on change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import model as engine_model
from bot.engine.config import endpoints_config, write_engine_config
from bot.settings import Settings


def test_embedded_default_uses_a_sqlite_tracker_store_and_no_lock_store(tmp_path: Path) -> None:
    config = endpoints_config(Settings(_env_file=None, var_dir=tmp_path))
    assert config["tracker_store"] == {
        "type": "flows.tracker_store.EncryptingSQLTrackerStore",
        "dialect": "sqlite",
        "db": str(tmp_path / "rasa_tracker.db"),
        # the development key, made once under var/ and shared with the booking store
        "encryption_key": (tmp_path / "dev-secrets" / "phone_encryption_key").read_text(),
    }
    assert "lock_store" not in config


def test_the_tracker_store_encrypts_with_the_phone_key_and_only_its_owner_reads_the_file(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path, phone_encryption_key="k" * 32)
    endpoints, _ = write_engine_config(settings)
    written = yaml.safe_load(endpoints.read_text())
    assert written["tracker_store"]["encryption_key"] == "k" * 32
    assert endpoints.stat().st_mode & 0o077 == 0


def test_postgres_and_redis_urls_become_rasa_stores() -> None:
    settings = Settings(
        _env_file=None,
        database_url="postgresql+psycopg://hot:p%40ss@db.internal:5433/hotline",
        redis_url="redis://:secret@cache:6380/2",
        phone_encryption_key="phone-key-0123456789",
    )
    config = endpoints_config(settings)
    assert config["tracker_store"] == {
        "type": "flows.tracker_store.EncryptingSQLTrackerStore",
        "encryption_key": "phone-key-0123456789",
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5433,
        "db": "hotline",
        "username": "hot",
        "password": "p@ss",
    }
    assert config["lock_store"] == {
        "type": "bot.engine.lock_store.FailOpenRedisLockStore",
        "url": "cache",
        "port": 6380,
        "db": 2,
        "key_prefix": "hotline",
        "socket_timeout": 2,
        "password": "secret",
    }


def test_unsupported_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="mysql"):
        endpoints_config(Settings(_env_file=None, database_url="mysql://u@h/db"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A miniature project tree with the training inputs, wired into bot.engine.model."""
    (tmp_path / "flows" / "domain").mkdir(parents=True)
    (tmp_path / "nlu" / "data").mkdir(parents=True)
    (tmp_path / "flows" / "domain" / "a.yml").write_text("intents: [greet]\n")
    (tmp_path / "nlu" / "data" / "greet.yml").write_text("nlu: []\n")
    (tmp_path / "nlu" / "config.yml").write_text("pipeline: []\n")
    monkeypatch.setattr(engine_model, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(engine_model, "DOMAIN_PATH", tmp_path / "flows" / "domain")
    monkeypatch.setattr(engine_model, "DATA_PATHS", (tmp_path / "nlu" / "data",))
    monkeypatch.setattr(engine_model, "CONFIG_PATH", tmp_path / "nlu" / "config.yml")
    monkeypatch.setattr(engine_model, "EXTRA_INPUTS", ())
    return tmp_path


def test_fingerprint_is_stable_while_inputs_do_not_change(project: Path) -> None:
    assert engine_model.fingerprint() == engine_model.fingerprint()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda p: (p / "nlu" / "data" / "greet.yml").write_text("nlu: [x]\n"), id="edited-data"
        ),
        pytest.param(
            lambda p: (p / "nlu" / "data" / "new.yml").write_text("nlu: []\n"), id="new-file"
        ),
        pytest.param(
            lambda p: (p / "nlu" / "config.yml").write_text("pipeline: [x]\n"), id="config"
        ),
    ],
)
def test_fingerprint_changes_with_any_training_input(project: Path, change) -> None:  # type: ignore[no-untyped-def]
    before = engine_model.fingerprint()
    change(project)
    assert engine_model.fingerprint() != before


def test_existing_model_is_reused_without_training(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = project / "models"
    models.mkdir()
    existing = engine_model.model_path(models)
    existing.write_bytes(b"model")

    def must_not_train(*args: object, **kwargs: object) -> None:
        raise AssertionError("training ran although the model is up to date")

    monkeypatch.setattr(engine_model.subprocess, "run", must_not_train)
    assert engine_model.ensure_model(models) == (existing, False)


def test_misaligned_entities_fail_the_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = project / "models"
    (project / ".venv-rasa" / "bin").mkdir(parents=True)
    monkeypatch.setattr(engine_model, "ENGINE_VENV", project / ".venv-rasa")
    (project / ".venv-rasa" / "bin" / "rasa").write_text("")

    class Result:
        returncode = 0
        stdout = "UserWarning: Misaligned entity annotation in message '济南人'"
        stderr = ""

    def fake_train(*args: object, **kwargs: object) -> Result:
        engine_model.model_path(models).write_bytes(b"model")
        return Result()

    monkeypatch.setattr(engine_model.subprocess, "run", fake_train)
    with pytest.raises(engine_model.EngineSetupError, match="misaligned"):
        engine_model.ensure_model(models)
    assert not engine_model.model_path(models).exists()
