"""The staff dashboard as a person uses it: the real gateway (``hotline serve``) in its own
process on a private SQLite store, seeded with the demo stations, two station accounts,
an admin, and today's appointments; Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from bot.booking import service, station_registry
from bot.booking.crypto import PhoneCipher
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.stations_file import read_stations_file
from bot.settings import PROJECT_ROOT, Settings
from bot.store.db import make_engine, session_scope
from bot.store.models import AppointmentSlot, Service
from tests.support.ports import free_port

HOTLINE = str(Path(sys.executable).parent / "hotline")
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
PASSWORD = "station-pass-2026"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# Today's workers at the Jinan demo station (station 1) and one at Zibo (station 2).
JINAN_WORKERS = [
    ("09:00", "王芳", "13812345678"),
    ("09:40", "李秀英", "15966668888"),
    ("10:20", "张丽", "18653112345"),
    ("14:00", "刘娟", "13356789012"),
]
ZIBO_WORKER = ("09:30", "赵敏", "13700001111")


@dataclass
class Dashboard:
    url: str
    env: dict[str, str]
    var_dir: Path
    database_url: str
    ids: dict[str, int] = field(default_factory=dict)  # worker name → appointment id

    def hotline(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HOTLINE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def _seed(dashboard: Dashboard) -> None:
    settings = Settings(var_dir=dashboard.var_dir, hotline_env="test")
    cipher = PhoneCipher(settings.dev_secret("phone_encryption_key"))
    engine = make_engine(dashboard.database_url)
    today = datetime.now(CHINA_TZ).date()
    seeding = BookingPolicy(min_notice_hours=-48)  # today's morning may be past already
    specs = read_stations_file(PROJECT_ROOT / "data" / "stations.demo.yaml").stations
    with session_scope(engine) as session:
        station_registry.import_stations(session=session, specs=specs)
    plan = [(1, *w) for w in JINAN_WORKERS] + [(2, *ZIBO_WORKER)]
    for station_id, at, name, phone in plan:
        hour, minute = (int(x) for x in at.split(":"))
        start = datetime(today.year, today.month, today.day, hour, minute, tzinfo=CHINA_TZ)
        with session_scope(engine) as session:
            slot = AppointmentSlot(
                station_id=station_id,
                service=Service.reception_day,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                capacity=3,
            )
            session.add(slot)
            session.flush()
            outcome = service.book(
                session=session,
                request=service.BookingRequest(
                    slot_id=slot.id,
                    person_name=name,
                    phone=phone,
                    channel="wechat",
                    channel_user_id=f"wx-{phone}",
                    question_class="three_period_dismissal",
                    summary="怀孕后被通知调岗降薪，不同意就辞退",
                ),
                now=datetime.now(CHINA_TZ),
                policy=seeding,
                cipher=cipher,
            )
            dashboard.ids[name] = outcome.appointment.id
    engine.dispose()


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    var_dir = tmp_path_factory.mktemp("staff-var")
    port = free_port()
    env = {
        **os.environ,
        "HOTLINE_ENV": "test",
        "VAR_DIR": str(var_dir),
        "GATEWAY_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}/webhook",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PHONE_ENCRYPTION_KEY"):
        env.pop(name, None)
    board = Dashboard(
        f"http://127.0.0.1:{port}", env, var_dir, f"sqlite:///{var_dir / 'hotline.db'}"
    )
    assert board.hotline("db", "upgrade").returncode == 0
    _seed(board)
    for username, role, station in (
        ("jinan", "staff", "1"),
        ("zibo", "staff", "2"),
        ("admin", "admin", None),
    ):
        args = [
            "staff",
            "create-user",
            "--username",
            username,
            "--role",
            role,
            "--password",
            PASSWORD,
            "--display-name",
            {"jinan": "王老师", "zibo": "孙老师", "admin": "管理员"}[username],
        ]
        if station:
            args += ["--station", station]
        created = board.hotline(*args)
        assert created.returncode == 0, created.stderr
    log = (var_dir / "gateway.out").open("wb")
    process = subprocess.Popen(
        [HOTLINE, "serve"], env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{board.url}/staff/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((var_dir / "gateway.out").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield board
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# Module scope: Playwright's sync API allows one running instance per thread, and other
# browser tests start their own.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
