"""Who may see and change what, on every route of the staff dashboard and operator console.

Real PostgreSQL and Redis. Two stations, 甲 (A) and 乙 (B), each with appointments today;
a staff account at each, an admin and a hotline operator. The routes are read from the
app itself, so a route added later is checked here without anyone remembering to: every
``/staff`` and ``/console`` route outside a short, exact allow-list of public ones sends a
visitor without a session to the login page (or answers 401/403) and shows no data.
Station A's staff cannot read, change, export or count station B's appointments, even by
putting B's ids and station number in paths, query strings and form fields.
"""

from __future__ import annotations

import functools
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from bot.auth import service as accounts
from bot.booking import service
from bot.booking.links import calendar_path, calendar_token
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.runtime import booking_runtime
from bot.console.handoff import ThreadLine
from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.db import engine_for, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment, AppointmentStatus, AuditEvent, User, UserRole
from tests.integration.booking.conftest import add_slot, add_station
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.integration

PASSWORD = "station-Pass-2026"
GUARDED_PREFIXES = ("/staff", "/console")
# The only routes under /staff and /console a visitor may open without logging in. Exact:
# a test fails when one is added or disappears, so widening it is a visible decision.
PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/staff/login"),
        ("POST", "/staff/login"),
        ("GET", "/staff/static/{name}"),
        ("GET", "/console/login"),
        ("POST", "/console/login"),
        ("GET", "/console/static/{name}"),
    }
)
LOGIN_PAGES = {"/staff": "/staff/login", "/console": "/console/login"}

# Station B's worker: none of this may reach station A's staff or a visitor.
B_NAME, B_PHONE, B_SUMMARY = "赵敏", "13700001111", "乙站专有的情况简介"
B_NOTES = "乙站的接待备注"
B_CITY, B_QUESTION = "淄博市", "sexual_harassment"
A_WORKERS = (("王芳", "13812345678"), ("李秀英", "15966668888"))
HANDOFF_TEXT = "转人工对话里只有接线员能看的内容"


@dataclass
class Site:
    """The seeded gateway: its app (lifespan running) and what was put in it."""

    app: FastAPI
    settings: Settings
    station_a: int
    station_b: int
    a_ids: list[int]
    b_id: int
    b_code: str
    day: str
    handoff_sender: str
    portal: BlockingPortal

    def client(self, *, follow_redirects: bool = False) -> TestClient:
        """A new browser (own cookies) on the app's running event loop.

        The app's Redis and database connections belong to that loop, so every client
        shares it instead of starting one of its own per request.
        """
        client = TestClient(self.app, follow_redirects=follow_redirects)
        client.portal = self.portal
        return client

    @property
    def b_secrets(self) -> tuple[str, ...]:
        """Strings that appear only in station B's appointment."""
        masked = f"{B_PHONE[:3]}****{B_PHONE[-4:]}"
        return (B_NAME, B_PHONE, masked, self.b_code, B_SUMMARY, B_NOTES)

    def b_status(self) -> tuple[AppointmentStatus, str | None]:
        with session_scope(engine_for(self.settings.effective_database_url)) as session:
            appointment = session.get(Appointment, self.b_id)
            assert appointment is not None
            return appointment.status, appointment.notes


def _book(settings: Settings, slot: int, name: str, phone: str, question: str) -> Appointment:
    runtime = booking_runtime(settings)
    with session_scope(runtime.engine) as session:
        outcome = service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot,
                person_name=name,
                phone=phone,
                channel="wechat",
                channel_user_id=f"wx-{phone}",
                question_class=question,
                summary=B_SUMMARY if name == B_NAME else "怀孕后被通知调岗",
            ),
            now=datetime.now(CHINA_TZ),
            policy=BookingPolicy(min_notice_hours=-48),  # today's morning may be past
            cipher=runtime.cipher,
        )
        session.expunge(outcome.appointment)
        return outcome.appointment


@pytest.fixture(scope="module")
def site(
    pg_cluster: PostgresCluster, redis_proc: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    name = f"test_authz_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    redis_url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    redis.Redis.from_url(redis_url).flushdb()
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path_factory.mktemp("authz"),
        hotline_env="test",
        database_url=url,
        redis_url=redis_url,
        action_server_url="http://127.0.0.1:9/webhook",
    )
    upgrade(url)
    database = engine_for(url)
    station_a = add_station(database, code="demo-a")
    station_b = add_station(database, code="demo-b", city=B_CITY)
    today = datetime.now(CHINA_TZ).replace(hour=9, minute=0, second=0, microsecond=0)
    a_ids = []
    for index, (worker, phone) in enumerate(A_WORKERS):
        slot = add_slot(database, station_a, starts_at=today + timedelta(hours=index))
        a_ids.append(_book(settings, slot, worker, phone, "three_period_dismissal").id)
    b_slot = add_slot(database, station_b, starts_at=today + timedelta(minutes=30))
    b_appointment = _book(settings, b_slot, B_NAME, B_PHONE, B_QUESTION)
    with session_scope(database) as session:
        session.get(Appointment, b_appointment.id).notes = B_NOTES  # type: ignore[union-attr]
        for username, role, station in (
            ("staff-a", UserRole.staff, station_a),
            ("staff-b", UserRole.staff, station_b),
            ("admin", UserRole.admin, None),
            ("operator", UserRole.operator, None),
        ):
            accounts.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                role=role,
                station_id=station,
            )
    app = create_app(settings)
    with TestClient(app) as running:
        # A worker's conversation waiting for a person, for the console's routes.
        open_handoff = functools.partial(
            app.state.channels.desk.open,
            channel="web",
            user_id="worker-cookie-id-0123456789",
            reason="asked",
            context=[ThreadLine("worker", HANDOFF_TEXT, 0.0)],
        )
        assert running.portal is not None
        handoff, _ = running.portal.call(open_handoff)
        yield Site(
            app=app,
            settings=settings,
            station_a=station_a,
            station_b=station_b,
            a_ids=a_ids,
            b_id=b_appointment.id,
            b_code=b_appointment.code,
            day=today.date().isoformat(),
            handoff_sender=handoff.sender_id,
            portal=running.portal,
        )
    database.dispose()
    pg_cluster.drop_database(name)


# --- sessions -------------------------------------------------------------------------


@dataclass
class Browser:
    """One person's browser: a client with their session cookie and the page's CSRF token."""

    client: TestClient
    csrf: str


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def staff_browser(site: Site, username: str) -> Browser:
    client = site.client()
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _form_token(page.text)},
    )
    assert response.status_code == 303, response.text
    return Browser(client, _form_token(client.get(f"/staff/day?date={site.day}").text))


def console_browser(site: Site, username: str) -> Browser:
    client = site.client()
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _form_token(page.text)},
    )
    assert response.status_code == 303, response.text
    console = client.get("/console")
    token = re.search(r'name="csrf-token" content="([^"]+)"', console.text)
    assert console.status_code == 200 and token is not None
    return Browser(client, token.group(1))


def _login_status(site: Site, console: str, username: str) -> int:
    client = site.client()
    page = client.get(f"/{console}/login")
    response: Response = client.post(
        f"/{console}/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _form_token(page.text)},
    )
    return response.status_code


def _text(response: Response) -> str:
    """What a person could read in the response: the page, or the cells of a workbook."""
    if response.headers.get("content-type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.text


def _leaks(site: Site, response: Response) -> list[str]:
    bodies = [*(_text(r) for r in response.history), _text(response)]
    return [secret for secret in site.b_secrets for body in bodies if secret in body]


# --- every route without a session ------------------------------------------------------


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if not path.startswith(GUARDED_PREFIXES):
            continue
        found.extend((method, path) for method in sorted(route.methods or ()) if method != "HEAD")
    return sorted(set(found))


ALL_ROUTES = _routes(create_app(Settings(_env_file=None, hotline_env="test")))
GUARDED_ROUTES = [route for route in ALL_ROUTES if route not in PUBLIC_ROUTES]


def _request_for(site: Site, method: str, path: str) -> dict[str, Any]:
    """A request that would return station B's data (or change it) if the route let it.

    Every state-changing route needs a valid body here, so that its refusal comes from
    the missing session and not from validation; a new POST route fails until added.
    """
    url = (
        path.replace("{appointment_id}", str(site.b_id))
        .replace("{fmt}", "csv")
        .replace("{name}", "staff.css")
    )
    query = {"date": site.day, "station": str(site.station_b)}
    if path == "/console/api/thread":
        query = {"sender_id": site.handoff_sender}
    bodies: dict[str, dict[str, Any]] = {
        "/staff/logout": {"data": {"csrf_token": "guess"}},
        "/staff/appointments/{appointment_id}/status": {
            "data": {"status": "no_show", "csrf_token": "guess"}
        },
        "/staff/appointments/{appointment_id}/notes": {
            "data": {"text": "被改掉了", "csrf_token": "guess"}
        },
        "/console/logout": {"data": {"csrf_token": "guess"}},
        "/console/api/presence": {"json": {}},
        "/console/api/reply": {"json": {"sender_id": site.handoff_sender, "text": "你好"}},
        "/console/api/close": {"json": {"sender_id": site.handoff_sender}},
        "/console/api/assist": {"json": {"text": "产假有多少天"}},
    }
    extra: dict[str, Any] = {"params": query}
    if method != "GET":
        assert path in bodies, f"add a valid body for {method} {path} to this test"
        extra.update(bodies[path])
    return {"method": method, "url": url, **extra}


def test_the_public_allow_list_names_exactly_the_login_pages_and_static_files() -> None:
    """Every allow-listed route exists (the list cannot rot) and nothing else is public."""
    assert set(ALL_ROUTES) >= PUBLIC_ROUTES
    assert all(path.endswith(("/login", "/static/{name}")) for _, path in PUBLIC_ROUTES)
    assert ("GET", "/staff/appointments/{appointment_id}") in GUARDED_ROUTES
    assert ("POST", "/console/api/reply") in GUARDED_ROUTES


@pytest.mark.parametrize(
    ("method", "path"), GUARDED_ROUTES, ids=[f"{m} {p}" for m, p in GUARDED_ROUTES]
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_visitor_without_a_session_is_sent_to_log_in_and_sees_nothing(
    site: Site, method: str, path: str, htmx: bool
) -> None:
    visitor = site.client(follow_redirects=True)
    request = _request_for(site, method, path)
    if htmx:
        request["headers"] = {"HX-Request": "true"}
    before = site.b_status()
    response = visitor.request(**request)
    login_page = next(page for prefix, page in LOGIN_PAGES.items() if path.startswith(prefix))
    assert response.status_code in (401, 403) or (
        response.status_code == 200
        and response.url.path == login_page
        and 'name="password"' in response.text
    ), f"{method} {path} answered {response.status_code} at {response.url.path}"
    assert _leaks(site, response) == []
    assert HANDOFF_TEXT not in response.text
    assert site.b_status() == before


def test_public_routes_show_no_data_and_static_files_only_by_name(site: Site) -> None:
    visitor = site.client()
    for page in ("/staff/login", "/console/login"):
        response = visitor.get(page, params={"station": site.station_b, "date": site.day})
        assert response.status_code == 200 and _leaks(site, response) == []
    for console in ("staff", "console"):
        for name in ("../routes.py", "..%2Froutes.py", "templates", "VENDORED.md"):
            assert visitor.get(f"/{console}/static/{name}").status_code == 404


# --- station A's staff and station B's appointments -------------------------------------


def test_staff_see_only_their_own_station_whatever_station_they_ask_for(site: Site) -> None:
    a = staff_browser(site, "staff-a")
    b_number = site.station_b
    for query in (
        f"date={site.day}",
        f"date={site.day}&station={b_number}",
        f"date={site.day}&station_id={b_number}",
        f"date={site.day}&station={b_number}&station={site.station_a}",
        f"date={site.day}&station={b_number}&service=reception_day&status=booked",
    ):
        for view in ("day", "week"):
            response = a.client.get(f"/staff/{view}?{query}")
            assert response.status_code == 200, (view, query)
            assert _leaks(site, response) == [], (view, query)
            assert all(worker in response.text for worker, _ in A_WORKERS), (view, query)
            assert B_CITY not in response.text  # not even B's station name


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("view", ["day", "week"])
def test_exports_hold_only_the_staff_members_own_station(site: Site, fmt: str, view: str) -> None:
    a = staff_browser(site, "staff-a")
    response = a.client.get(
        f"/staff/export.{fmt}", params={"date": site.day, "view": view, "station": site.station_b}
    )
    assert response.status_code == 200
    text = _text(response)
    assert _leaks(site, response) == []
    assert all(worker in text for worker, _ in A_WORKERS)


def test_statistics_count_only_the_staff_members_own_station(site: Site) -> None:
    a = staff_browser(site, "staff-a")
    for params in ({}, {"station": site.station_b}, {"station_id": site.station_b}):
        page = a.client.get("/staff/stats", params={"days": 7, **params}).text
        total = re.search(r'<span class="num">(\d+)</span><span class="label">预约', page)
        assert total is not None and int(total.group(1)) == len(A_WORKERS)
        assert B_CITY not in page and "性骚扰" not in page


def test_another_stations_appointment_cannot_be_read_marked_or_annotated(site: Site) -> None:
    a = staff_browser(site, "staff-a")
    before = site.b_status()
    detail = a.client.get(f"/staff/appointments/{site.b_id}")
    assert detail.status_code == 404 and _leaks(site, detail) == []
    for status in ("checked_in", "served", "no_show", "booked"):
        for headers in ({}, {"HX-Request": "true", "X-CSRF-Token": a.csrf}):
            marked = a.client.post(
                f"/staff/appointments/{site.b_id}/status",
                data={"status": status, "csrf_token": a.csrf},
                headers=headers,
            )
            assert marked.status_code == 404 and _leaks(site, marked) == []
    noted = a.client.post(
        f"/staff/appointments/{site.b_id}/notes", data={"text": "改掉", "csrf_token": a.csrf}
    )
    assert noted.status_code == 404
    assert site.b_status() == before
    # A's attempts left nothing in B's audit trail either.
    with session_scope(engine_for(site.settings.effective_database_url)) as session:
        assert not session.scalars(
            select(AuditEvent).where(AuditEvent.appointment_id == site.b_id)
        ).all()


def test_ids_that_do_not_exist_look_exactly_like_another_stations(site: Site) -> None:
    """No probing: B's id, a missing id and a nonsense id all answer the same way."""
    a = staff_browser(site, "staff-a")
    answers = {
        appointment: a.client.get(f"/staff/appointments/{appointment}")
        for appointment in (site.b_id, 999_999)
    }
    assert {r.status_code for r in answers.values()} == {404}
    assert len({r.text for r in answers.values()}) == 1
    assert a.client.get("/staff/appointments/not-a-number").status_code == 422


def test_smuggled_station_and_appointment_fields_change_only_the_appointment_in_the_path(
    site: Site,
) -> None:
    a = staff_browser(site, "staff-a")
    before = site.b_status()
    own = site.a_ids[0]
    response = a.client.post(
        f"/staff/appointments/{own}/status",
        params={"appointment_id": site.b_id, "station": site.station_b},
        data={
            "status": "checked_in",
            "csrf_token": a.csrf,
            "appointment_id": str(site.b_id),
            "station_id": str(site.station_b),
            "station": str(site.station_b),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/appointments/{own}"
    assert site.b_status() == before
    with session_scope(engine_for(site.settings.effective_database_url)) as session:
        assert session.get(Appointment, own).status == AppointmentStatus.checked_in  # type: ignore[union-attr]


def test_a_guessed_or_re_signed_calendar_link_does_not_serve_another_workers_ics(
    site: Site,
) -> None:
    """The .ics link is public but signed: B's bare code, or a link signed with another
    key, is not enough; only the link the worker was sent works."""
    visitor = site.client()
    assert visitor.get(f"/appointments/{site.b_code}.ics").status_code == 404
    forged = calendar_token("another-secret-key-0123456789", site.b_code)
    assert visitor.get(f"/appointments/{forged}.ics").status_code == 404
    real = calendar_path(site.settings.dev_secret("secret_key"), site.b_code)
    served = visitor.get(real)
    assert served.status_code == 200 and B_PHONE not in served.text


# --- roles ---------------------------------------------------------------------------


def test_an_admin_sees_every_station_and_can_narrow_to_one(site: Site) -> None:
    admin = staff_browser(site, "admin")
    everything = admin.client.get(f"/staff/day?date={site.day}").text
    assert B_NAME in everything and all(worker in everything for worker, _ in A_WORKERS)
    only_b = admin.client.get(f"/staff/day?date={site.day}&station={site.station_b}").text
    assert B_NAME in only_b and not any(worker in only_b for worker, _ in A_WORKERS)
    detail = admin.client.get(f"/staff/appointments/{site.b_id}")
    assert detail.status_code == 200 and B_PHONE in detail.text
    stats = admin.client.get("/staff/stats", params={"days": 7, "station": site.station_b}).text
    assert B_CITY in stats


def test_station_b_staff_see_their_own_appointment_but_not_station_as(site: Site) -> None:
    b = staff_browser(site, "staff-b")
    assert b.client.get(f"/staff/appointments/{site.b_id}").status_code == 200
    for own_of_a in site.a_ids:
        assert b.client.get(f"/staff/appointments/{own_of_a}").status_code == 404
    day = b.client.get(f"/staff/day?date={site.day}&station={site.station_a}").text
    assert B_NAME in day and not any(worker in day for worker, _ in A_WORKERS)


def test_operators_cannot_enter_the_staff_dashboard_and_staff_cannot_enter_the_console(
    site: Site,
) -> None:
    assert _login_status(site, "staff", "operator") == 400
    assert _login_status(site, "console", "staff-a") == 400
    assert _login_status(site, "console", "operator") == 303
    assert _login_status(site, "console", "admin") == 303  # as designed: admins may do both


def test_a_session_of_one_console_opens_nothing_in_the_other(site: Site) -> None:
    operator = console_browser(site, "operator")
    console_cookie = operator.client.cookies.get("hotline_console")
    staff = staff_browser(site, "staff-a")
    staff_cookie = staff.client.cookies.get("hotline_staff")
    assert console_cookie and staff_cookie

    borrowed = site.client()
    borrowed.cookies.set("hotline_staff", console_cookie)
    response = borrowed.get(f"/staff/day?date={site.day}")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"

    borrowed = site.client()
    borrowed.cookies.set("hotline_console", staff_cookie, path="/console")
    assert borrowed.get("/console").status_code == 303
    thread = borrowed.get("/console/api/thread", params={"sender_id": site.handoff_sender})
    assert thread.status_code == 401 and HANDOFF_TEXT not in thread.text


def test_an_operator_reads_the_handoff_thread_that_visitors_and_staff_cannot(site: Site) -> None:
    operator = console_browser(site, "operator")
    thread = operator.client.get("/console/api/thread", params={"sender_id": site.handoff_sender})
    assert thread.status_code == 200 and HANDOFF_TEXT in thread.text
    # What the console shows of the worker is masked, never her full channel id.
    assert "worker-cookie-id-0123456789" not in thread.json()["handoff"]["who"]
    staff = staff_browser(site, "staff-a")
    refused = staff.client.get("/console/api/thread", params={"sender_id": site.handoff_sender})
    assert refused.status_code == 401 and HANDOFF_TEXT not in refused.text


def test_a_deactivated_account_loses_its_open_session(site: Site) -> None:
    with session_scope(engine_for(site.settings.effective_database_url)) as session:
        accounts.create_user(
            session=session,
            username="leaver",
            password=PASSWORD,
            role=UserRole.staff,
            station_id=site.station_a,
        )
    leaver = staff_browser(site, "leaver")
    assert leaver.client.get(f"/staff/day?date={site.day}").status_code == 200
    with session_scope(engine_for(site.settings.effective_database_url)) as session:
        user = session.scalar(select(User).where(User.username == "leaver"))
        assert user is not None
        user.is_active = False
    response = leaver.client.get(f"/staff/day?date={site.day}")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
