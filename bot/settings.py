"""All settings of the application, read once from the environment and an optional ``.env``.

Every setting has a documented default so that ``make run`` works with nothing configured
(the embedded default: a SQLite file under ``var/``, in-process stand-ins for Redis).
Secrets never have a default in production mode: ``HOTLINE_ENV=production`` without them
is a start-up error that names what is missing.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "SERVING_ENV", "Settings", "SettingsError", "get_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SECRET_FIELDS = (
    "secret_key",
    "phone_encryption_key",
    "rasa_token",
    "wechat_token",
    "wechat_app_secret",
    "wechat_encoding_aes_key",
    "telegram_token",
    "telegram_webhook_secret",
)

# Set by `hotline serve` for its worker processes: the gateway is a long-running server.
SERVING_ENV = "HOTLINE_SERVING"


class SettingsError(ValueError):
    """The settings are unusable (e.g. a production secret is missing)."""


class Settings(BaseSettings):
    """Application settings. Environment names are the upper-case field names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    hotline_env: Literal["development", "production", "test"] = Field(
        default="development",
        description="production refuses to start without its secrets",
    )
    var_dir: Path = Field(
        default=PROJECT_ROOT / "var", description="runtime files: SQLite, dev secrets, logs"
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://u:p@host/db; default SQLite in var/",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:6379/0; default: in-process stand-in"
    )

    gateway_host: str = Field(default="127.0.0.1", description="address `hotline serve` binds")
    gateway_port: int = Field(default=8000, description="port of `hotline serve`")
    gateway_url: str | None = Field(
        default=None, description="where `hotline ask/chat` reach the gateway; default host:port"
    )
    rasa_url: str = Field(
        default="http://127.0.0.1:5005",
        description="Rasa engine HTTP address; several engines: comma-separated addresses",
    )
    rasa_port: int = Field(default=5005, description="port the engine listens on")
    action_server_url: str = Field(
        default="http://127.0.0.1:5055/webhook", description="rasa-sdk action endpoint"
    )
    action_server_port: int = Field(default=5055, description="port of the action server")
    action_server_host: str = Field(
        default="127.0.0.1", description="address the action server binds (0.0.0.0 in Docker)"
    )
    engine_timeout_s: float = Field(default=4.0, description="how long the gateway waits for Rasa")
    engine_max_in_flight: int = Field(
        default=6,
        ge=1,
        description="channel turns sent to each engine at once; the rest wait in the gateway, "
        "fresh WeChat messages before ones that already had a holding reply",
    )
    engine_nice: int = Field(
        default=5,
        ge=0,
        le=19,
        description="CPU priority the engine yields to the gateway on a shared machine (nice); "
        "keeps holding replies on time when the engine is overloaded",
    )
    engine_workers: int = Field(
        default=1,
        ge=1,
        le=16,
        description="engine worker processes (Rasa's SANIC_WORKERS); more than 1 needs REDIS_URL "
        "(the lock store keeps one conversation on one worker at a time)",
    )
    model_dir: Path = Field(default=PROJECT_ROOT / "models", description="trained Rasa models")

    secret_key: SecretStr | None = Field(default=None, description="signs sessions and cookies")
    phone_encryption_key: SecretStr | None = Field(
        default=None, description="Fernet key encrypting phone numbers at rest"
    )
    rasa_token: SecretStr | None = Field(
        default=None, description="token protecting Rasa's HTTP API (--auth-token)"
    )
    wechat_token: SecretStr | None = Field(default=None, description="WeChat callback token")
    wechat_app_id: str | None = Field(default=None, description="WeChat official-account AppID")
    wechat_app_secret: SecretStr | None = Field(default=None, description="WeChat AppSecret")
    wechat_encoding_aes_key: SecretStr | None = Field(
        default=None, description="WeChat EncodingAESKey (safe mode)"
    )
    wechat_reminder_template_id: str | None = Field(
        default=None,
        description="WeChat template message for the day-before appointment reminder "
        "(keywords in order: service, time, place, confirmation code)",
    )
    telegram_token: SecretStr | None = Field(default=None, description="Telegram bot token")
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Telegram webhook path secret and secret-token header"
    )
    wechat_api_base_url: str = Field(
        default="https://api.weixin.qq.com/cgi-bin/",
        description="WeChat API base URL (tests point it at a fake on loopback)",
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Telegram Bot API base URL (tests point it at a fake on loopback)",
    )
    channel_reply_budget_s: float = Field(
        default=4.0,
        description="how long a WeChat callback waits for the engine before a holding reply",
    )
    channel_answer_timeout_s: float = Field(
        default=30.0, description="how long a deferred channel answer may take the engine"
    )

    public_url: str | None = Field(
        default=None,
        description="address workers reach the gateway at (links in chat, e.g. .ics); "
        "default: the gateway URL",
    )
    booking_horizon_days: int = Field(default=28, description="how far ahead workers may book")
    booking_min_notice_hours: float = Field(
        default=2.0, description="earliest a slot may be booked before it starts"
    )
    booking_cutoff_hours: float = Field(
        default=24.0, description="after this many hours before the slot, only staff may change it"
    )
    booking_retention_days: int = Field(
        default=180, description="days after an appointment its name and phone are erased"
    )
    conversation_retention_days: int = Field(
        default=90,
        ge=1,
        description="days after a conversation's last message `hotline purge` deletes it "
        "(its texts in the tracker store and Redis)",
    )

    max_body_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description="largest request body accepted on paths without a limit of their own (413)",
    )
    message_rate_per_minute: int = Field(
        default=20, description="messages one sender may send per minute (0: no limit)"
    )
    message_rate_per_day: int = Field(
        default=200, description="messages one sender may send per day (0: no limit)"
    )
    console_rate_per_minute: int = Field(
        default=600,
        description="requests per minute to the operator console and /api/v1/suggest, "
        "per logged-in operator or per address (0: no limit)",
    )

    log_level: str = Field(default="INFO", description="Python logging level")

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> Settings:
        if self.hotline_env != "production":
            return self
        required = ("secret_key", "phone_encryption_key", "rasa_token")
        missing = [name.upper() for name in required if getattr(self, name) is None]
        if self.database_url is None:
            missing.append("DATABASE_URL")
        if missing:
            raise SettingsError("production mode needs these settings: " + ", ".join(missing))
        return self

    @property
    def effective_database_url(self) -> str:
        """The configured database, or the embedded SQLite file under ``var/``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'hotline.db'}"

    @property
    def effective_gateway_url(self) -> str:
        return self.gateway_url or f"http://{self.gateway_host}:{self.gateway_port}"

    @property
    def rasa_tracker_db(self) -> Path:
        """SQLite tracker store of the embedded default (conversations survive restarts)."""
        return self.var_dir / "rasa_tracker.db"

    def dev_secret(self, name: str) -> str:
        """A secret's value; outside production a random one is made once and kept in ``var/``.

        Why: development and tests must run with nothing configured, yet never share a
        hard-coded secret that could leak into a deployment.
        """
        value = getattr(self, name)
        if value is not None:
            return str(value.get_secret_value())
        if self.hotline_env == "production":
            raise SettingsError(f"{name.upper()} is not set")
        path = self.var_dir / "dev-secrets" / name
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        generated = secrets.token_urlsafe(32)
        path.write_text(generated, encoding="utf-8")
        path.chmod(0o600)
        return generated


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use (never at import time)."""
    return Settings()
