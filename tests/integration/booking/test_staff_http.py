"""The dashboard's HTTP rules on a real database and Redis: sessions, CSRF, login rate
limiting, station scoping, exports and the calendar link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from bot.auth import service as accounts
from bot.booking.links import calendar_path
from bot.booking.runtime import booking_runtime
from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.db import engine_for, session_scope
from bot.store.migrate import upgrade
from bot.store.models import UserRole
from tests.integration.booking.conftest import NOW, add_slot, add_station, book

pytestmark = pytest.mark.integration

PASSWORD = "a-good-password-7"


@pytest.fixture
def settings(tmp_path: Path, redis_url: str) -> Settings:
    redis.Redis.from_url(redis_url).flushdb()  # login counters of earlier tests
    return Settings(
        var_dir=tmp_path,
        hotline_env="test",
        redis_url=redis_url,
        database_url=f"sqlite:///{tmp_path / 'staff.db'}",
    )


@pytest.fixture
def seeded(settings: Settings) -> dict[str, object]:
    url = settings.effective_database_url
    upgrade(url)
    engine = engine_for(url)
    first, second = (
        add_station(engine, code="s-one"),
        add_station(engine, code="s-two", city="淄博市"),
    )
    slot = add_slot(engine, first, starts_at=NOW.replace(day=9, hour=9))
    runtime = booking_runtime(settings)
    with session_scope(engine) as session:
        booked = book(session, runtime, slot, now=NOW)
        for username, station in (("one", first), ("two", second)):
            accounts.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                role=UserRole.staff,
                station_id=station,
            )
        return {"appointment": booked.appointment.id, "code": booked.appointment.code}


@pytest.fixture
def client(settings: Settings, seeded: dict[str, object]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def _login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    page = client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
    )
    return response.status_code


def test_pages_need_a_login_and_the_session_cookie_is_http_only_and_strict(
    client: TestClient,
) -> None:
    assert client.get("/staff/day").headers["location"] == "/staff/login"
    assert _login(client, "one") == 303
    cookie = next(c for c in client.cookies.jar if c.name == "hotline_staff")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite", "").lower() == "strict"
    assert client.get("/staff/day?date=2026-12-09").status_code == 200


def test_a_login_without_the_forms_csrf_token_is_refused(client: TestClient) -> None:
    response = client.post("/staff/login", data={"username": "one", "password": PASSWORD})
    assert response.status_code == 400 and "页面已过期" in response.text


def test_marking_an_appointment_needs_the_sessions_csrf_token(
    client: TestClient, seeded: dict[str, object]
) -> None:
    _login(client, "one")
    url = f"/staff/appointments/{seeded['appointment']}/status"
    assert client.post(url, data={"status": "checked_in"}).status_code == 403
    page = client.get(f"/staff/appointments/{seeded['appointment']}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    marked = client.post(
        url,
        data={"status": "checked_in"},
        headers={"X-CSRF-Token": token.group(1), "HX-Request": "true"},
    )
    assert marked.status_code == 200 and "已签到" in marked.text


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client: TestClient) -> None:
    codes = [_login(client, "two", "wrong-password-0") for _ in range(5)]
    assert set(codes) == {400}
    assert _login(client, "two") == 429  # even the right password waits now


def test_another_stations_appointment_is_404_and_absent_from_its_exports(
    client: TestClient, seeded: dict[str, object]
) -> None:
    _login(client, "two")
    assert client.get(f"/staff/appointments/{seeded['appointment']}").status_code == 404
    exported = client.get("/staff/export.csv?date=2026-12-09&station=1").text
    assert "王芳" not in exported


def test_the_calendar_link_serves_an_ics_only_with_a_valid_signature(
    client: TestClient, settings: Settings, seeded: dict[str, object]
) -> None:
    path = calendar_path(settings.dev_secret("secret_key"), str(seeded["code"]))
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.text and "13812345678" not in response.text
    assert client.get(f"/appointments/{seeded['code']}.ics").status_code == 404
