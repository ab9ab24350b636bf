"""A gateway with every channel on and the engine scripted, for hostile-input tests.

The engine is ``FakeEngine`` (httpx.MockTransport), WeChat's server API and Telegram's Bot
API are stood in for, the store is a migrated SQLite file and Redis the in-process
stand-in: everything between the HTTP request and the engine runs for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from telegram import Bot

from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.migrate import upgrade
from tests.unit.channels.fakes import FakeEngine, FakeWeChatApi, RecordingTelegramRequest
from tests.unit.channels.wechat_support import AES_KEY, APP_ID, APP_SECRET, TOKEN

TELEGRAM_SECRET = "telegram-webhook-secret-for-security-tests"
TELEGRAM_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def gateway_settings(var_dir: Path, **overrides: Any) -> Settings:
    """Every channel configured; the action server's address answers nothing."""
    values: dict[str, Any] = {
        "var_dir": var_dir,
        "hotline_env": "test",
        "action_server_url": "http://127.0.0.1:9/webhook",
        "wechat_token": TOKEN,
        "wechat_app_id": APP_ID,
        "wechat_app_secret": APP_SECRET,
        "wechat_encoding_aes_key": AES_KEY,
        "telegram_token": "123456:TEST-TOKEN",
        "telegram_webhook_secret": TELEGRAM_SECRET,
        "channel_reply_budget_s": 2.0,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def start(app: Any) -> Any:
    """Platform APIs stood in for on a started app (call inside ``with TestClient``)."""
    channels = app.state.channels
    channels.wechat_api._client._http.mount("https://", FakeWeChatApi())
    recording = RecordingTelegramRequest()
    channels.telegram._bot = Bot(
        "123456:TEST-TOKEN", request=recording, get_updates_request=recording
    )
    return app


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return gateway_settings(tmp_path)


@pytest.fixture
def client(settings: Settings, engine: FakeEngine) -> Iterator[TestClient]:
    upgrade(settings.effective_database_url)
    app = create_app(settings, engine_transport=engine.transport())
    with TestClient(app) as test_client:
        start(app)
        yield test_client
