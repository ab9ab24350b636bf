"""SQL and HTML in what workers and staff type is stored as text and shown escaped.

On real PostgreSQL and Redis: a booking whose name, summary and notes carry SQL and
markup is saved exactly as typed (the statements are parameterised, nothing is executed),
and every page of the staff dashboard shows it as text — ``<script>`` never reaches a
browser as a tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.auth import service as accounts
from bot.booking.errors import InvalidName
from bot.booking.runtime import booking_runtime
from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.db import engine_for, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment, UserRole
from tests.integration.booking.conftest import NOW, add_slot, add_station, book

pytestmark = pytest.mark.integration

PASSWORD = "a-good-password-7"
NAME = "Mary O'Brien"  # a quote that would end an SQL string literal
SUMMARY = "公司说<script>alert('summary')</script>' OR '1'='1"
NOTES = (
    "已指导申请仲裁<script>alert('notes')</script>\n"
    "'); DROP TABLE appointments; --\n"
    '<img src=x onerror="alert(1)"> & <a href="javascript:alert(2)">材料</a>'
)


@pytest.fixture
def settings(tmp_path: Path, pg_url: str, redis_url: str) -> Settings:
    redis.Redis.from_url(redis_url).flushdb()
    return Settings(
        _env_file=None,
        var_dir=tmp_path,
        hotline_env="test",
        redis_url=redis_url,
        database_url=pg_url,
    )


@pytest.fixture
def appointment_id(settings: Settings) -> int:
    upgrade(settings.effective_database_url)
    database = engine_for(settings.effective_database_url)
    station = add_station(database)
    slot = add_slot(database, station, starts_at=NOW.replace(day=9, hour=9))
    runtime = booking_runtime(settings)
    with session_scope(database) as session:
        booked = book(
            session,
            runtime,
            slot,
            now=NOW,
            person_name=NAME,
            channel="web",
            channel_user_id="w-injection",
            summary=SUMMARY,
        )
        accounts.create_user(
            session=session,
            username="station-one",
            password=PASSWORD,
            role=UserRole.staff,
            station_id=station,
        )
        return booked.appointment.id


@pytest.fixture
def client(settings: Settings, appointment_id: int) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        page = test_client.get("/staff/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        login = {"username": "station-one", "password": PASSWORD, "csrf_token": token.group(1)}
        assert test_client.post("/staff/login", data=login).status_code == 303
        yield test_client


def _csrf(page: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return token.group(1)


def test_sql_and_markup_are_stored_as_typed_and_shown_escaped(
    client: TestClient, settings: Settings, appointment_id: int
) -> None:
    detail = f"/staff/appointments/{appointment_id}"
    saved = client.post(
        f"{detail}/notes", data={"text": NOTES, "csrf_token": _csrf(client.get(detail).text)}
    )
    assert saved.status_code == 303

    with session_scope(engine_for(settings.effective_database_url)) as session:
        stored = session.get(Appointment, appointment_id)
        assert stored is not None
        assert (stored.person_name, stored.summary, stored.notes) == (NAME, SUMMARY, NOTES)
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1

    pages = [
        client.get(detail).text,
        client.get("/staff/day?date=2026-12-09").text,
        client.get("/staff/week?date=2026-12-09").text,
    ]
    for page in pages:
        assert "O&#39;Brien" in page
        assert "<script>alert" not in page
        assert "<img src=x" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(&#39;notes&#39;)&lt;/script&gt;" in pages[0]
    assert "&lt;script&gt;alert(&#39;summary&#39;)" in pages[0]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in pages[0]


def test_notes_with_a_nul_character_are_saved_without_it(
    client: TestClient, settings: Settings, appointment_id: int
) -> None:
    detail = f"/staff/appointments/{appointment_id}"
    saved = client.post(
        f"{detail}/notes",
        data={"text": "材料\x00已收", "csrf_token": _csrf(client.get(detail).text)},
    )
    assert saved.status_code == 303  # PostgreSQL refuses NUL in text: it must not get one
    with session_scope(engine_for(settings.effective_database_url)) as session:
        stored = session.get(Appointment, appointment_id)
        assert stored is not None and stored.notes == "材料已收"


@pytest.mark.parametrize(
    "name",
    ["<script>alert(1)</script>", "Robert'); DROP TABLE appointments;--", "王芳<b>", "王\x00芳"],
)
def test_a_name_with_markup_or_sql_is_refused_and_nothing_is_booked(
    settings: Settings, appointment_id: int, name: str
) -> None:
    database = engine_for(settings.effective_database_url)
    runtime = booking_runtime(settings)
    slot = add_slot(database, add_station(database, code="s-two"), starts_at=NOW.replace(day=9))
    with session_scope(database) as session, pytest.raises(InvalidName):
        book(
            session,
            runtime,
            slot,
            now=NOW,
            person_name=name,
            phone="13812345679",
            channel="web",
            channel_user_id="w-refused",
        )
    with session_scope(database) as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_a_summary_with_a_nul_character_is_booked_without_it(
    settings: Settings, appointment_id: int
) -> None:
    database = engine_for(settings.effective_database_url)
    runtime = booking_runtime(settings)
    slot = add_slot(database, add_station(database, code="s-nul"), starts_at=NOW.replace(day=9))
    with session_scope(database) as session:
        booked = book(
            session,
            runtime,
            slot,
            now=NOW,
            phone="13812345679",
            channel="web",
            channel_user_id="w-nul",
            summary="怀孕\x00被辞退",
        )
        assert booked.appointment.summary == "怀孕被辞退"
