"""Write the engine's endpoints and credentials files from the application settings.

Why generated: the tracker store (SQLite file or PostgreSQL) and lock store (in-memory or
Redis) follow ``DATABASE_URL`` / ``REDIS_URL``, so one set of settings drives every process;
the tracker store encrypts names and phone numbers with a key derived from
``PHONE_ENCRYPTION_KEY``, the key the booking store uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from bot.settings import Settings

__all__ = [
    "LOCK_STORE_TYPE",
    "TRACKER_STORE_TYPE",
    "credentials_config",
    "endpoints_config",
    "write_engine_config",
]


# Rasa's SQL tracker store with names and phone numbers encrypted (flows/tracker_store.py);
# it takes every option of the ``SQL`` store plus ``encryption_key``.
TRACKER_STORE_TYPE = "flows.tracker_store.EncryptingSQLTrackerStore"

# Rasa's Redis lock store that keeps the engine answering while Redis is down
# (bot/engine/lock_store.py); it takes every option of the ``redis`` lock store.
LOCK_STORE_TYPE = "bot.engine.lock_store.FailOpenRedisLockStore"
LOCK_STORE_SOCKET_TIMEOUT_S = 2


def _tracker_store(settings: Settings) -> dict[str, Any]:
    if not settings.database_url:
        return {
            "type": TRACKER_STORE_TYPE,
            "dialect": "sqlite",
            "db": str(settings.rasa_tracker_db),
            "encryption_key": settings.dev_secret("phone_encryption_key"),
        }
    url = urlsplit(settings.database_url)
    if not url.scheme.startswith("postgresql"):
        raise ValueError(f"unsupported DATABASE_URL scheme for the tracker store: {url.scheme}")
    store: dict[str, Any] = {
        "type": TRACKER_STORE_TYPE,
        "encryption_key": settings.dev_secret("phone_encryption_key"),
        "dialect": "postgresql",
        "url": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "db": url.path.lstrip("/") or "postgres",
    }
    if url.username:
        store["username"] = unquote(url.username)
    if url.password:
        store["password"] = unquote(url.password)
    return store


def _lock_store(settings: Settings) -> dict[str, Any] | None:
    if not settings.redis_url:
        return None  # Rasa's in-memory lock store: correct for one engine process
    url = urlsplit(settings.redis_url)
    store: dict[str, Any] = {
        "type": LOCK_STORE_TYPE,
        "url": url.hostname or "127.0.0.1",
        "port": url.port or 6379,
        "db": int(url.path.lstrip("/") or 0),
        "key_prefix": "hotline",
        # Rasa's Redis client is synchronous: a hung Redis would stall every conversation
        # of the engine for this long (Rasa's default is 10 s).
        "socket_timeout": LOCK_STORE_SOCKET_TIMEOUT_S,
    }
    if url.password:
        store["password"] = unquote(url.password)
    return store


def endpoints_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        # Rasa 3.6 sends the domain with every action call. rasa-sdk 3.11 (the oldest SDK
        # for Python 3.11) needs it: without a domain it answers 449, which Rasa 3.6 does
        # not retry. So selective domain stays off.
        "action_endpoint": {"url": settings.action_server_url},
        "tracker_store": _tracker_store(settings),
    }
    lock_store = _lock_store(settings)
    if lock_store:
        config["lock_store"] = lock_store
    return config


def credentials_config() -> dict[str, Any]:
    return {"rest": None}


def write_engine_config(settings: Settings) -> tuple[Path, Path]:
    """Write ``var/endpoints.yml`` and ``var/credentials.yml``; return their paths.

    endpoints.yml holds the database password and the tracker encryption key, so only
    its owner may read it.
    """
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    endpoints = settings.var_dir / "endpoints.yml"
    credentials = settings.var_dir / "credentials.yml"
    endpoints.touch(mode=0o600)
    endpoints.chmod(0o600)
    endpoints.write_text(yaml.safe_dump(endpoints_config(settings), allow_unicode=True))
    credentials.write_text(yaml.safe_dump(credentials_config()))
    return endpoints, credentials
