"""Day-before reminders through the worker's own channel (``bot.channels.notifiers``).

WeChat's API is faked inside wechatpy's ``requests`` session, Telegram's through
python-telegram-bot's request class, the web chat's outbox is real Redis. The last tests
run ``hotline appointments remind`` against a SQLite booking, with both platforms served
on loopback, so the settings' base URLs, the token cache and the bookkeeping are real too.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as clock_time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
import redis.asyncio as aioredis
import requests
from typer.testing import CliRunner

from bot.booking import service
from bot.booking.notify import Notifier, Reminder
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.runtime import booking_runtime
from bot.channels.delivery import Outbox
from bot.channels.notifiers import (
    TEMPLATE_KEYWORDS,
    TelegramReminderNotifier,
    WebChatReminderNotifier,
    WeChatTemplateNotifier,
    build_notifiers,
)
from bot.channels.wechat_api import make_wechat_client
from bot.cli.main import app
from bot.settings import Settings, get_settings
from bot.store.db import session_scope
from bot.store.migrate import upgrade
from bot.store.models import AppointmentSlot, Service, Station
from tests.support.ports import free_port
from tests.unit.channels.fakes import FakeWeChatApi, RecordingTelegramRequest
from tests.unit.channels.wechat_support import APP_ID, APP_SECRET

TEMPLATE_ID = "tmpl-reminder-0001"
TELEGRAM_TOKEN = "123456:TEST-TOKEN"
OPENID = "oWorker-reminder-1"
CHAT_ID = "7011223344"
WEB_ID = "webworker_0123456789abcdef"
NAME, PHONE = "王芳", "13812345678"
LINK = "https://hotline.example.org/appointments/abc.ics"
BOOKED_AT = datetime(2026, 12, 2, 8, 0, tzinfo=CHINA_TZ)
EVE = "2026-12-08T18:00+08:00"  # the evening before the appointment on 9 December


def reminder(channel: str, user: str, *, link: str = LINK) -> Reminder:
    return Reminder(
        channel=channel,
        channel_user_id=user,
        appointment_code="K7P3QX",
        starts_at=datetime(2026, 12, 9, 9, 0, tzinfo=CHINA_TZ),
        station_name="演示·济南市维权工作站",
        address="演示地址",
        text="提醒：您明天预约了维权接待日，时间 12月9日（周三）09:00–09:30。预约码 K7P3QX。",
        fields={
            "service": "女职工劳动人事争议维权接待日",
            "time": "2026-12-09 09:00",
            "when": "12月9日（周三）09:00–09:30",
            "station": "演示·济南市维权工作站",
            "address": "演示地址",
            "code": "K7P3QX",
            "phone": "12351",
        },
        link=link,
    )


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "_env_file": None,
        "var_dir": tmp_path,
        "hotline_env": "test",
        "redis_url": None,
        "database_url": None,
        "wechat_app_id": None,
        "wechat_app_secret": None,
        "wechat_reminder_template_id": None,
        "telegram_token": None,
    }
    return Settings(**{**base, **values})


class TemplateApi(FakeWeChatApi):
    """WeChat's API with ``message/template/send``: answers ``errcode`` or an HTTP status."""

    def __init__(self, errcode: int = 0, status: int = 200) -> None:
        super().__init__()
        self.templates: list[dict[str, Any]] = []
        self.errcode = errcode
        self.status = status

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if "message/template/send" not in url:
            return super().send(request, **kwargs)
        assert "access_token=token-" in url
        self.templates.append(json.loads(request.body or b"{}"))
        response = requests.Response()
        response.status_code = self.status
        errmsg = "ok" if self.errcode == 0 else "user refuse to accept the msg rid: 6523abc"
        body = {"errcode": self.errcode, "errmsg": errmsg, "msgid": 200228332}
        response._content = json.dumps(body).encode() if self.status == 200 else b"busy"
        response.headers["Content-Type"] = "application/json"
        response.url = url
        response.request = request
        return response


def wechat_notifier(tmp_path: Path, api: TemplateApi) -> WeChatTemplateNotifier:
    settings = settings_for(tmp_path, wechat_app_id=APP_ID, wechat_app_secret=APP_SECRET)
    client = make_wechat_client(settings)
    client._http.mount("https://", api)  # wechatpy's own session, WeChat's servers faked
    return WeChatTemplateNotifier(client, TEMPLATE_ID)


class FailingTelegramRequest(RecordingTelegramRequest):
    """The Bot API answering ``sendMessage`` with an error status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__()
        self.status, self.description = status, description

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        await super().do_request(url, method, *args, **kwargs)
        body = {"ok": False, "error_code": self.status, "description": self.description}
        return self.status, json.dumps(body).encode()


@pytest.fixture
def redis_db(redis_url: str) -> Iterator[str]:
    """The real Redis, emptied before and after (outboxes, WeChat's token cache)."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url
    client.flushdb()
    client.close()


# --- one channel at a time ---------------------------------------------------------------


async def test_wechat_reminder_is_one_template_message_with_the_fields_as_keywords(
    tmp_path: Path,
) -> None:
    api = TemplateApi()
    result = await wechat_notifier(tmp_path, api).send_reminder(reminder("wechat", OPENID))

    assert result.delivered, result.detail
    assert len(api.templates) == 1 and api.sent == []  # not a customer-service message
    body = api.templates[0]
    assert body["touser"] == OPENID and body["template_id"] == TEMPLATE_ID
    assert body["url"] == LINK
    data = body["data"]
    assert [k for k, _ in TEMPLATE_KEYWORDS] == ["keyword1", "keyword2", "keyword3", "keyword4"]
    assert data["keyword1"]["value"] == "女职工劳动人事争议维权接待日"
    assert data["keyword2"]["value"] == "12月9日（周三）09:00–09:30"
    assert data["keyword3"]["value"] == "演示·济南市维权工作站，演示地址"
    assert data["keyword4"]["value"] == "K7P3QX"
    assert "12351" in data["remark"]["value"]


async def test_wechat_template_without_a_calendar_link_opens_nothing(tmp_path: Path) -> None:
    api = TemplateApi()
    notifier = wechat_notifier(tmp_path, api)
    assert (await notifier.send_reminder(reminder("wechat", OPENID, link=""))).delivered
    assert "url" not in api.templates[0]


async def test_telegram_reminder_is_one_send_message_to_her_chat() -> None:
    recording = RecordingTelegramRequest()
    notifier = TelegramReminderNotifier(TELEGRAM_TOKEN, make_request=lambda: recording)

    result = await notifier.send_reminder(reminder("telegram", CHAT_ID))

    assert result.delivered, result.detail
    sends = [params for name, params in recording.calls if name == "sendMessage"]
    assert len(sends) == 1
    assert int(sends[0]["chat_id"]) == int(CHAT_ID)
    assert sends[0]["text"] == reminder("telegram", CHAT_ID).text


async def test_web_chat_reminder_waits_in_her_outbox(redis_db: str) -> None:
    notifier = WebChatReminderNotifier(
        lambda: aioredis.Redis.from_url(redis_db, decode_responses=True)
    )

    result = await notifier.send_reminder(reminder("web", WEB_ID))

    assert result.delivered, result.detail
    client = aioredis.Redis.from_url(redis_db, decode_responses=True)
    try:
        waiting = await Outbox(client, "web").drain(WEB_ID)
    finally:
        await client.aclose()
    assert [r.text for r in waiting] == [reminder("web", WEB_ID).text]


async def test_unconfigured_channels_report_not_delivered_and_send_nothing(
    tmp_path: Path,
) -> None:
    notifiers = build_notifiers(settings_for(tmp_path))
    assert set(notifiers) == {"wechat", "telegram", "web"}
    assert all(isinstance(n, Notifier) for n in notifiers.values())
    for channel, user in (("wechat", OPENID), ("telegram", CHAT_ID), ("web", WEB_ID)):
        result = await notifiers[channel].send_reminder(reminder(channel, user))
        assert not result.delivered and "not configured" in result.detail, channel


async def test_wechat_without_a_template_id_is_not_configured_even_with_credentials(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, wechat_app_id=APP_ID, wechat_app_secret=APP_SECRET)
    result = await build_notifiers(settings)["wechat"].send_reminder(reminder("wechat", OPENID))
    assert not result.delivered
    assert "WECHAT_REMINDER_TEMPLATE_ID" in result.detail and "not configured" in result.detail


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        pytest.param(TemplateApi(errcode=43101), "43101", id="worker-refused-the-template"),
        pytest.param(TemplateApi(status=500), "HTTP 500", id="http-500"),
    ],
)
async def test_wechat_errors_become_not_delivered_without_the_workers_id(
    tmp_path: Path, api: TemplateApi, expected: str
) -> None:
    result = await wechat_notifier(tmp_path, api).send_reminder(reminder("wechat", OPENID))
    assert not result.delivered and expected in result.detail
    assert len(api.templates) == 1  # tried once, no retry loop
    assert OPENID not in result.detail


@pytest.mark.parametrize(
    ("status", "description", "expected"),
    [
        pytest.param(500, "Internal Server Error", "NetworkError", id="http-500"),
        pytest.param(403, "Forbidden: bot was blocked by the user", "Forbidden", id="blocked"),
    ],
)
async def test_telegram_errors_become_not_delivered(
    status: int, description: str, expected: str
) -> None:
    failing = FailingTelegramRequest(status, description)
    notifier = TelegramReminderNotifier(TELEGRAM_TOKEN, make_request=lambda: failing)
    result = await notifier.send_reminder(reminder("telegram", CHAT_ID))
    assert not result.delivered and expected in result.detail
    assert TELEGRAM_TOKEN not in result.detail


async def test_telegram_reminder_for_a_non_numeric_chat_is_not_delivered() -> None:
    recording = RecordingTelegramRequest()
    notifier = TelegramReminderNotifier(TELEGRAM_TOKEN, make_request=lambda: recording)
    result = await notifier.send_reminder(reminder("telegram", "not-a-chat"))
    assert not result.delivered and recording.calls == []


async def test_web_chat_with_redis_down_is_not_delivered() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    notifier = WebChatReminderNotifier(
        lambda: aioredis.Redis.from_url(url, socket_connect_timeout=0.5)
    )
    result = await notifier.send_reminder(reminder("web", WEB_ID))
    assert not result.delivered and "unreachable" in result.detail


# --- `hotline appointments remind` end to end ------------------------------------------------


@dataclass
class Platforms:
    """WeChat's and Telegram's APIs on loopback, as the CLI's settings point at them."""

    url: str = ""
    token_fetches: int = 0
    templates: list[dict[str, Any]] = field(default_factory=list)
    telegram: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # openids answered with errcode 43101


def _handler(log: Platforms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _json(self, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if "json" in (self.headers.get("Content-Type") or ""):
                return dict(json.loads(raw or b"{}"))
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

        def do_GET(self) -> None:
            if urlsplit(self.path).path == "/cgi-bin/token":
                log.token_fetches += 1
                self._json({"access_token": "loopback-token", "expires_in": 7200})
                return
            self.send_error(404)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/cgi-bin/message/template/send":
                assert "access_token=loopback-token" in parts.query
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))  # wechatpy sends no Content-Type
                if body["touser"] in log.refuse:
                    self._json({"errcode": 43101, "errmsg": "user refuse to accept the msg"})
                    return
                log.templates.append(body)
                self._json({"errcode": 0, "errmsg": "ok", "msgid": len(log.templates)})
                return
            if parts.path.startswith(f"/bot{TELEGRAM_TOKEN}/"):
                method, params = parts.path.rsplit("/", 1)[-1], self._body()
                log.telegram.append((method, params))
                result: Any = True
                if method == "sendMessage":
                    result = {
                        "message_id": len(log.telegram),
                        "date": int(time.time()),
                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                        "text": params.get("text", ""),
                    }
                self._json({"ok": True, "result": result})
                return
            self.send_error(404)

    return Handler


@contextmanager
def loopback_platforms() -> Iterator[Platforms]:
    log = Platforms()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(log))
    log.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield log
    finally:
        server.shutdown()
        server.server_close()


def _book_tomorrow(settings: Settings, bookings: list[tuple[str, str]]) -> list[str]:
    """A station with one slot on 9 December 09:00 and one appointment per (channel, user)."""
    upgrade(settings.effective_database_url)
    runtime = booking_runtime(settings)
    with session_scope(runtime.engine) as session:
        station = Station(
            code="demo-jinan",
            name="演示·济南市维权工作站",
            province="山东省",
            city="济南市",
            address="演示地址",
            phone="12351",
            services=["reception_day"],
            is_demo=True,
        )
        session.add(station)
        session.flush()
        slot = AppointmentSlot(
            station_id=station.id,
            service=Service.reception_day,
            starts_at=datetime.combine(
                datetime(2026, 12, 9).date(), clock_time(9), tzinfo=CHINA_TZ
            ),
            ends_at=datetime.combine(
                datetime(2026, 12, 9).date(), clock_time(9, 30), tzinfo=CHINA_TZ
            ),
            capacity=len(bookings),
        )
        session.add(slot)
        session.flush()
        slot_id = slot.id
    codes = []
    for channel, user in bookings:
        with session_scope(runtime.engine) as session:
            codes.append(
                service.book(
                    session=session,
                    request=service.BookingRequest(
                        slot_id=slot_id,
                        person_name=NAME,
                        phone=PHONE,
                        channel=channel,
                        channel_user_id=user,
                    ),
                    now=BOOKED_AT,
                    policy=BookingPolicy(horizon_days=28, min_notice_hours=2, cutoff_hours=24),
                    cipher=runtime.cipher,
                ).appointment.code
            )
    return codes


@pytest.fixture
def cli_env(tmp_path: Path, redis_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platforms]:
    """Settings of the CLI process: every channel configured, platforms on loopback."""
    with loopback_platforms() as platforms:
        for name in ("DATABASE_URL", "PHONE_ENCRYPTION_KEY", "SECRET_KEY", "GATEWAY_URL"):
            monkeypatch.delenv(name, raising=False)
        values = {
            "VAR_DIR": str(tmp_path),
            "HOTLINE_ENV": "test",
            "REDIS_URL": redis_db,
            "PUBLIC_URL": "https://hotline.example.org",
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_REMINDER_TEMPLATE_ID": TEMPLATE_ID,
            "WECHAT_API_BASE_URL": f"{platforms.url}/cgi-bin/",
            "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_BASE_URL": f"{platforms.url}/bot",
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        yield platforms
        get_settings.cache_clear()


def remind(*extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["appointments", "remind", "--now", EVE, "--json", *extra])
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.output)
    assert NAME not in result.output and PHONE not in result.output
    return body


def test_remind_sends_each_appointment_once_through_the_channel_she_booked_from(
    cli_env: Platforms, redis_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    refused = "oWorker-refused"
    cli_env.refuse.add(refused)
    settings = get_settings()
    wechat_code, telegram_code, web_code, refused_code = _book_tomorrow(
        settings,
        [("wechat", OPENID), ("telegram", CHAT_ID), ("web", WEB_ID), ("wechat", refused)],
    )

    dry = remind("--dry-run")
    assert dry["due"] == 4 and cli_env.templates == [] and cli_env.telegram == []

    first = remind()
    outcome = {r["code"]: (r["channel"], r["delivered"]) for r in first["results"]}
    assert outcome == {
        wechat_code: ("wechat", True),
        telegram_code: ("telegram", True),
        web_code: ("web", True),
        refused_code: ("wechat", False),
    }
    assert first["sent"] == 3
    refused_detail = next(r["detail"] for r in first["results"] if r["code"] == refused_code)
    assert "43101" in refused_detail

    # WeChat: one template message, with the keywords and the signed calendar link.
    [template] = cli_env.templates
    assert template["touser"] == OPENID and template["template_id"] == TEMPLATE_ID
    assert template["data"]["keyword4"]["value"] == wechat_code
    assert template["url"].startswith("https://hotline.example.org/appointments/")
    assert template["url"].endswith(".ics")
    calendar = CliRunner().invoke(app, ["appointments", "ics", wechat_code])
    assert calendar.exit_code == 0 and wechat_code in calendar.output
    # Telegram: one sendMessage to her chat.
    sends = [p for name, p in cli_env.telegram if name == "sendMessage"]
    assert len(sends) == 1 and int(sends[0]["chat_id"]) == int(CHAT_ID)
    assert telegram_code in sends[0]["text"] and "加入手机日历：https://" in sends[0]["text"]
    # Web chat: waiting in her outbox for her next visit.
    client = redis.Redis.from_url(redis_db, decode_responses=True)
    try:
        waiting = [
            json.loads(item)["text"] for item in client.lrange(f"outbox:web:{WEB_ID}", 0, -1)
        ]
    finally:
        client.close()
    assert len(waiting) == 1 and web_code in waiting[0]

    # A second run the same evening: only the refused one is tried again.
    again = remind()
    assert [(r["code"], r["delivered"]) for r in again["results"]] == [(refused_code, False)]
    assert len(cli_env.templates) == 1
    assert len([1 for name, _ in cli_env.telegram if name == "sendMessage"]) == 1
    assert cli_env.token_fetches == 1  # the access token came from Redis the second time

    assert NAME not in caplog.text and PHONE not in caplog.text


def test_remind_without_channel_settings_reports_each_channel_not_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "WECHAT_APP_ID",
        "WECHAT_APP_SECRET",
        "WECHAT_REMINDER_TEMPLATE_ID",
        "TELEGRAM_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HOTLINE_ENV", "test")
    get_settings.cache_clear()
    try:
        _book_tomorrow(get_settings(), [("wechat", OPENID), ("telegram", CHAT_ID), ("web", WEB_ID)])
        body = remind()
        again = remind()
    finally:
        get_settings.cache_clear()
    assert body["due"] == 3 and body["sent"] == 0
    assert all("not configured" in r["detail"] for r in body["results"])
    assert again["due"] == 3  # nothing was marked: configured later, they still go out
