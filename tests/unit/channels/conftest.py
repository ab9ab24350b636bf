"""A gateway with every channel on, the engine scripted, WeChat's API mounted in wechatpy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.migrate import upgrade
from tests.unit.channels.fakes import FakeEngine, FakeWeChatApi
from tests.unit.channels.wechat_support import AES_KEY, APP_ID, APP_SECRET, TOKEN

TELEGRAM_SECRET = "telegram-webhook-secret-for-tests"


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        var_dir=tmp_path,
        hotline_env="test",
        action_server_url="http://127.0.0.1:9/webhook",
        wechat_token=TOKEN,
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_encoding_aes_key=AES_KEY,
        telegram_token="123456:TEST-TOKEN",
        telegram_webhook_secret=TELEGRAM_SECRET,
        channel_reply_budget_s=1.0,
    )


@pytest.fixture
def wechat_api() -> FakeWeChatApi:
    return FakeWeChatApi()


@pytest.fixture
def client(
    settings: Settings, engine: FakeEngine, wechat_api: FakeWeChatApi
) -> Iterator[TestClient]:
    upgrade(settings.effective_database_url)
    app = create_app(settings, engine_transport=engine.transport())
    with TestClient(app) as test_client:
        channels = app.state.channels
        # wechatpy's own requests session, with WeChat's servers stood in for.
        channels.wechat_api._client._http.mount("https://", wechat_api)
        yield test_client
