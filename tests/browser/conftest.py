"""Browser tests: Playwright drives Debian's Chromium against a gateway served by uvicorn.

The gateway runs in a thread with real Redis and a SQLite store; the engine is the scripted
``FakeEngine`` (the whole stack with the real engine is covered in tests/e2e). Screenshots
go to the test's tmp dir at a laptop (1366×768) and a phone (390×844) size.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.migrate import upgrade
from tests.support.ports import free_port
from tests.unit.channels.fakes import FakeEngine

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@dataclass
class Gateway:
    url: str
    app: object
    engine: FakeEngine
    server: uvicorn.Server


@pytest.fixture
def gateway(tmp_path: Path, redis_url: str) -> Iterator[Gateway]:
    redis.Redis.from_url(redis_url).flushdb()
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path,
        hotline_env="test",
        redis_url=redis_url,
        action_server_url="http://127.0.0.1:9/webhook",
    )
    upgrade(settings.effective_database_url)
    engine = FakeEngine()
    app = create_app(settings, engine_transport=engine.transport())
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("gateway did not start")
        time.sleep(0.05)
    try:
        yield Gateway(f"http://127.0.0.1:{port}", app, engine, server)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Module scope: Playwright's sync API allows one running instance per thread, and the
# staff dashboard's tests start their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
