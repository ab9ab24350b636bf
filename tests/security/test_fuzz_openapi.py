"""Schemathesis over the gateway's OpenAPI document, in-process (ASGI): no operation may
answer a server error, whatever it is sent — without a login and as a logged-in user.

The published document covers the channels, the JSON APIs and the console's API. The staff
dashboard and the console's pages keep their routes out of it (``include_in_schema=False``),
so a document of those is made here the same way FastAPI makes the public one, and fuzzed
the same way. The engine is the
scripted ``FakeEngine``; the store a migrated SQLite file with one station, its staff, an
operator and an appointment. ``GET /health`` is left out: it answers 503 by design here,
because no action server runs.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
import requests
import schemathesis
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi

from bot.auth import service as accounts
from bot.booking import service
from bot.booking.policy import CHINA_TZ
from bot.booking.runtime import booking_runtime
from bot.console import views as console_views
from bot.gateway.app import create_app
from bot.staff import routes as staff_routes
from bot.store.db import engine_for, session_scope
from bot.store.migrate import upgrade
from bot.store.models import UserRole
from tests.integration.booking.conftest import add_slot, add_station
from tests.security.conftest import gateway_settings, start
from tests.unit.channels.fakes import FakeEngine

PASSWORD = "a-good-password-7"
FUZZ = settings(
    # per operation and mode; HOTLINE_FUZZ_SCALE=20 makes a deeper hunt
    max_examples=max(1, int(25 * float(os.environ.get("HOTLINE_FUZZ_SCALE", "1")))),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,  # every run explores afresh; a failure prints its reproduction
)


@dataclass
class LoggedIn:
    session: requests.Session
    csrf: str


def _token(html: str) -> str:
    found = re.search(r'name="csrf[-_]token" (?:value|content)="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def _log_in(app: FastAPI, login: str, username: str, page: str) -> LoggedIn:
    """A session logged in through the real login form, and the CSRF token of its pages."""
    session = asgi.get_client(cast(Any, app))
    form = session.get(login)
    answer = session.post(
        login,
        data={"username": username, "password": PASSWORD, "csrf_token": _token(form.text)},
        allow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:200]
    return LoggedIn(session, _token(session.get(page).text))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The gateway on a store with a station, its staff, an operator and an appointment."""
    settings_ = gateway_settings(tmp_path_factory.mktemp("fuzz"), console_rate_per_minute=0)
    url = settings_.effective_database_url
    upgrade(url)
    database = engine_for(url)
    station = add_station(database)
    tomorrow = datetime.now(CHINA_TZ).replace(hour=9, minute=0, second=0, microsecond=0)
    slot = add_slot(database, station, starts_at=tomorrow + timedelta(days=1))
    runtime = booking_runtime(settings_)
    with session_scope(database) as session:
        service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot,
                person_name="王芳",
                phone="13812345678",
                channel="wechat",
                channel_user_id="oFuzz",
                summary="怀孕被辞退",
            ),
            now=datetime.now(CHINA_TZ),
            policy=runtime.policy,
            cipher=runtime.cipher,
        )
        accounts.create_user(
            session=session, username="op-fuzz", password=PASSWORD, role=UserRole.operator
        )
        accounts.create_user(
            session=session,
            username="staff-fuzz",
            password=PASSWORD,
            role=UserRole.staff,
            station_id=station,
        )
    return create_app(settings_, engine_transport=FakeEngine().transport())


@pytest.fixture
def running(app: FastAPI) -> Iterator[FastAPI]:
    """The app with its lifespan started for this test.

    Schemathesis' pytest plugin ends every ASGI lifespan when a test ends, so each test
    starts its own (and stands in for the platforms' APIs again).
    """
    with asgi.get_client(cast(Any, app)):
        start(app)
        yield app


@pytest.fixture
def operator(running: FastAPI) -> LoggedIn:
    logged_in = _log_in(running, "/console/login", "op-fuzz", "/console")
    duty = logged_in.session.post("/console/api/presence", headers={"X-CSRF-Token": logged_in.csrf})
    assert duty.status_code == 200  # the session and its CSRF token open the console's API
    return logged_in


@pytest.fixture
def staff(running: FastAPI) -> LoggedIn:
    return _log_in(running, "/staff/login", "staff-fuzz", "/staff/day")


@pytest.fixture
def public_schema(running: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", running).exclude(path="/health")


def _hidden_document() -> dict[str, Any]:
    """The unpublished routes (staff dashboard, console pages), described by FastAPI."""
    routes = []
    for route in [*staff_routes.router.routes, *console_views.router.routes]:
        if isinstance(route, APIRoute) and not route.include_in_schema:
            shown = copy.copy(route)
            shown.include_in_schema = True
            routes.append(shown)
    return get_openapi(title="hidden", version="1", routes=routes)


@pytest.fixture
def hidden_schema(running: FastAPI) -> Any:
    schema = schemathesis.openapi.from_dict(_hidden_document())
    schema.app = running
    return schema


def test_the_unpublished_document_covers_the_dashboard_and_the_console_pages() -> None:
    paths = set(_hidden_document()["paths"])
    assert {"/staff/login", "/staff/day", "/staff/appointments/{appointment_id}/notes"} <= paths
    assert {"/console/login", "/console/logout"} <= paths


def _fuzz(schema: Any, **call: Any) -> list[str]:
    """Every operation of ``schema``, fuzzed with valid and invalid input; what failed.

    Why a loop rather than ``@schema.parametrize()``: schemathesis' lazy pytest loader
    reads a pytest internal (``_nodeid``) that pytest 9 no longer has.
    """
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                case.call_and_validate(checks=[not_a_server_error], **call)

            try:
                check()
            except Unsatisfiable:
                continue  # nothing invalid can be made (e.g. an operation without input)
            except Exception as error:
                failures.append(f"{operation.label} ({mode.value}): {error}")
    return failures


def test_no_published_operation_answers_a_server_error_without_a_login(
    public_schema: Any,
) -> None:
    assert _fuzz(public_schema) == []


def test_no_published_operation_answers_a_server_error_to_a_logged_in_operator(
    public_schema: Any, operator: LoggedIn
) -> None:
    failures = _fuzz(
        public_schema, session=operator.session, headers={"X-CSRF-Token": operator.csrf}
    )
    assert failures == []


def test_no_unpublished_route_answers_a_server_error_without_a_login(hidden_schema: Any) -> None:
    assert _fuzz(hidden_schema, allow_redirects=False) == []


def test_no_unpublished_route_answers_a_server_error_to_logged_in_staff(
    hidden_schema: Any, staff: LoggedIn
) -> None:
    failures = _fuzz(
        hidden_schema,
        session=staff.session,
        headers={"X-CSRF-Token": staff.csrf},
        allow_redirects=False,
    )
    assert failures == []
