"""Settings: documented defaults, production refuses to start without its secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import SECRET_FIELDS, Settings, SettingsError


def test_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'hotline.db'}"
    assert settings.redis_url is None
    assert settings.effective_gateway_url == "http://127.0.0.1:8000"
    assert settings.rasa_url == "http://127.0.0.1:5005"


def test_every_setting_is_documented() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undocumented == []


def test_secrets_have_no_default() -> None:
    assert all(Settings.model_fields[name].default is None for name in SECRET_FIELDS)


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/hotline")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = Settings(_env_file=None)
    assert settings.effective_database_url == "postgresql+psycopg://u@db/hotline"
    assert settings.redis_url == "redis://cache:6379/0"


def test_production_without_secrets_names_what_is_missing() -> None:
    with pytest.raises(
        ValidationError, match=r"(?s)SECRET_KEY.*PHONE_ENCRYPTION_KEY.*RASA_TOKEN.*DATABASE_URL"
    ):
        Settings(_env_file=None, hotline_env="production")


def test_production_dev_secret_is_never_generated(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        hotline_env="production",
        var_dir=tmp_path,
        secret_key="s",
        phone_encryption_key="k",
        rasa_token="t",
        database_url="postgresql+psycopg://u@db/h",
    )
    with pytest.raises(SettingsError):
        settings.dev_secret("wechat_token")
    assert not (tmp_path / "dev-secrets").exists()


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    first = settings.dev_secret("rasa_token")
    assert len(first) >= 32
    assert Settings(_env_file=None, var_dir=tmp_path).dev_secret("rasa_token") == first
    assert (tmp_path / "dev-secrets" / "rasa_token").stat().st_mode & 0o077 == 0


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("GATEWAY_PORT=8123\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Settings().gateway_port == 8123
