"""The web side of the staff dashboard and operator console, against real PostgreSQL and Redis:
security headers on every kind of answer, cookie flags (Secure in production), CSRF on
every state-changing route, argon2 password storage, login rate limits, logout, and
session cookies that cannot be forged or outlive a password change."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from anyio.from_thread import BlockingPortal
from cryptography.fernet import Fernet
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, text

from bot.auth import passwords
from bot.auth import service as accounts
from bot.auth.errors import WeakPassword
from bot.auth.sessions import SessionSigner, password_fingerprint
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.runtime import booking_runtime
from bot.gateway.app import create_app
from bot.gateway.headers import (
    CONTENT_SECURITY_POLICY,
    DOCS_CONTENT_SECURITY_POLICY,
    PERMISSIONS_POLICY,
)
from bot.settings import Settings
from bot.store.db import engine_for, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment, User, UserRole
from tests.integration.booking.conftest import add_slot, add_station, book
from tests.support.postgres import PostgresCluster
from tests.unit.channels.fakes import FakeEngine

pytestmark = pytest.mark.integration

PASSWORD = "station-Pass-2026"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_ROUTES = frozenset({"/staff/login", "/console/login"})
WORKER_NAME = "王芳"


@dataclass
class Site:
    app: FastAPI
    settings: Settings
    portal: BlockingPortal
    appointment: int
    station: int
    day: str

    def client(self, *, https: bool = False, address: str = "testclient") -> TestClient:
        """A new browser on the app's running event loop (its Redis client lives there)."""
        client = TestClient(
            self.app,
            base_url="https://testserver" if https else "http://testserver",
            follow_redirects=False,
            client=(address, 50000),
        )
        client.portal = self.portal
        return client

    @property
    def database(self) -> Any:
        return engine_for(self.settings.effective_database_url)

    def appointment_state(self) -> tuple[str, str | None]:
        with session_scope(self.database) as session:
            appointment = session.get(Appointment, self.appointment)
            assert appointment is not None
            return appointment.status.value, appointment.notes


def _start(
    pg_cluster: PostgresCluster, redis_proc: Any, var_dir: Any, **overrides: Any
) -> Iterator[Site]:
    name = f"test_websec_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    redis_url = f"redis://{redis_proc.host}:{redis_proc.port}/0"
    settings = Settings(
        _env_file=None,
        var_dir=var_dir,
        database_url=url,
        redis_url=redis_url,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/webhook",
        **{"hotline_env": "test", **overrides},
    )
    upgrade(url)
    database = engine_for(url)
    station = add_station(database, code=f"st-{uuid.uuid4().hex[:6]}")
    today = datetime.now(CHINA_TZ).replace(hour=9, minute=0, second=0, microsecond=0)
    slot = add_slot(database, station, starts_at=today + timedelta(hours=1))
    runtime = booking_runtime(settings)
    with session_scope(database) as session:
        booked = book(
            session,
            runtime,
            slot,
            now=datetime.now(CHINA_TZ),
            policy=BookingPolicy(min_notice_hours=-48),
            person_name=WORKER_NAME,
        )
        appointment = booked.appointment.id
        for username, role, station_id in (
            ("clerk", UserRole.staff, station),
            ("clerk2", UserRole.staff, station),
            ("operator", UserRole.operator, None),
            ("operator2", UserRole.operator, None),
        ):
            accounts.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                role=role,
                station_id=station_id,
            )
    app = create_app(settings, engine_transport=FakeEngine().transport())
    with TestClient(app) as running:
        assert running.portal is not None
        yield Site(app, settings, running.portal, appointment, station, today.date().isoformat())
    database.dispose()
    pg_cluster.drop_database(name)


@pytest.fixture(scope="module")
def site(
    pg_cluster: PostgresCluster, redis_proc: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _start(pg_cluster, redis_proc, tmp_path_factory.mktemp("websec"))


@pytest.fixture(scope="module")
def production(
    pg_cluster: PostgresCluster, redis_proc: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _start(
        pg_cluster,
        redis_proc,
        tmp_path_factory.mktemp("websec-prod"),
        hotline_env="production",
        secret_key="production-secret-key-for-tests-0123456789",
        phone_encryption_key=Fernet.generate_key().decode(),
        rasa_token="production-rasa-token-for-tests",
    )


@pytest.fixture(autouse=True)
def no_failed_logins(redis_proc: Any) -> None:
    """Each test starts with no login failures counted (they share one address)."""
    client = redis.Redis(host=redis_proc.host, port=redis_proc.port)
    keys = list(client.scan_iter("login:*"))
    if keys:
        client.delete(*keys)


# --- logging in ---------------------------------------------------------------------


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def _login(client: TestClient, console: str, username: str, password: str = PASSWORD) -> Response:
    page = client.get(f"/{console}/login")
    response: Response = client.post(
        f"/{console}/login",
        data={"username": username, "password": password, "csrf_token": _form_token(page.text)},
    )
    return response


def _logged_in(site: Site, console: str, username: str, **options: Any) -> tuple[TestClient, str]:
    """A browser logged in to ``console`` (staff|console) and its page's CSRF token."""
    client = site.client(**options)
    assert _login(client, console, username).status_code == 303
    if console == "staff":
        return client, _form_token(client.get(f"/staff/day?date={site.day}").text)
    page = client.get("/console").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token is not None
    return client, token.group(1)


def _set_cookies(response: Response) -> dict[str, str]:
    """Set-Cookie headers of a response by cookie name (the attributes as sent)."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        found[header.split("=", 1)[0]] = header
    return found


# --- headers ------------------------------------------------------------------------


EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS_POLICY,
}


def _answers(site: Site) -> dict[str, Response]:
    staff, _ = _logged_in(site, "staff", "clerk")
    operator, _ = _logged_in(site, "console", "operator")
    visitor = site.client()
    return {
        "staff login page": visitor.get("/staff/login"),
        "staff day page": staff.get(f"/staff/day?date={site.day}"),
        "staff appointment page": staff.get(f"/staff/appointments/{site.appointment}"),
        "staff export": staff.get(f"/staff/export.csv?date={site.day}"),
        "staff redirect to login": visitor.get("/staff/day"),
        "console login page": visitor.get("/console/login"),
        "console page": operator.get("/console"),
        "console api refusal": visitor.post("/console/api/presence", json={}),
        "chat page": visitor.get("/chat"),
        "suggest api": visitor.post("/api/v1/suggest", json={"text": "产假有多少天"}),
        "health": visitor.get("/health"),
        "openapi": visitor.get("/openapi.json"),
        "not found": visitor.get("/no-such-page"),
        "staff static": visitor.get("/staff/static/staff.js"),
        "console static": visitor.get("/console/static/console.js"),
    }


def test_every_kind_of_answer_carries_the_security_headers(site: Site) -> None:
    for what, response in _answers(site).items():
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (what, name)
        assert "strict-transport-security" not in response.headers, what  # not production


def test_only_the_api_documentation_may_load_its_cdn_script_and_it_cannot_be_framed(
    site: Site,
) -> None:
    docs = site.client().get("/docs")
    assert docs.headers["content-security-policy"] == DOCS_CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in DOCS_CONTENT_SECURITY_POLICY
    assert docs.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_pages_apis_and_exports_are_never_cached_but_static_files_are(site: Site) -> None:
    for what, response in _answers(site).items():
        cache = response.headers["cache-control"]
        if "static" in what:
            assert "max-age" in cache and "no-store" not in cache, what
        else:
            assert cache == "no-store", what


def test_the_policy_allows_script_and_style_from_this_site_only() -> None:
    directives = dict(
        (part.split(" ", 1)[0], part.split(" ", 1)[1])
        for part in CONTENT_SECURITY_POLICY.split("; ")
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)
FOREIGN = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)


def test_no_page_needs_inline_script_or_style_or_a_foreign_source(site: Site) -> None:
    """What the strict policy needs of the pages (the browser test sees them run)."""
    staff, _ = _logged_in(site, "staff", "clerk")
    operator, _ = _logged_in(site, "console", "operator")
    visitor = site.client()
    pages = {
        "/staff/login": visitor,
        f"/staff/day?date={site.day}": staff,
        f"/staff/week?date={site.day}": staff,
        "/staff/stats": staff,
        f"/staff/appointments/{site.appointment}": staff,
        "/console/login": visitor,
        "/console": operator,
        "/chat": visitor,
    }
    for path, client in pages.items():
        page = client.get(path)
        assert page.status_code == 200, path
        assert INLINE.findall(page.text) == [], path
        assert FOREIGN.findall(page.text) == [], path


def test_production_adds_hsts_and_every_session_cookie_is_secure(production: Site) -> None:
    browser = production.client(https=True)
    login_page = browser.get("/staff/login")
    assert login_page.headers["strict-transport-security"].startswith("max-age=31536000")
    login_csrf = _set_cookies(login_page)["__Host-hotline_staff_login_csrf"]
    logged_in = _login(browser, "staff", "clerk")
    assert logged_in.status_code == 303
    session = _set_cookies(logged_in)["__Host-hotline_staff"]
    for cookie in (login_csrf, session):
        attributes = [part.strip().lower() for part in cookie.split(";")]
        assert {"httponly", "secure", "samesite=strict", "path=/"} <= set(attributes)
    token = _form_token(browser.get(f"/staff/day?date={production.day}").text)
    logged_out = browser.post("/staff/logout", data={"csrf_token": token})
    # A __Host- cookie can only be deleted by a Set-Cookie that is Secure itself.
    assert "secure" in _set_cookies(logged_out)["__Host-hotline_staff"].lower()

    console = production.client(https=True)
    answer = _login(console, "console", "operator")
    assert answer.status_code == 303
    cookie = _set_cookies(answer)["hotline_console"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_outside_production_session_cookies_are_http_only_and_strict_but_not_secure(
    site: Site,
) -> None:
    answer = _login(site.client(), "staff", "clerk")
    cookie = _set_cookies(answer)["hotline_staff"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie


# --- CSRF ---------------------------------------------------------------------------


def _state_changing_routes(app: FastAPI) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path.startswith(("/staff", "/console")) and path not in LOGIN_ROUTES:
            found.update((m, path) for m in (route.methods or ()) if m in STATE_CHANGING)
    return sorted(found)


CHANGING_ROUTES = _state_changing_routes(create_app(Settings(_env_file=None, hotline_env="test")))


def _change_request(site: Site, path: str) -> tuple[str, str, dict[str, Any]]:
    """(console, url, body) of a valid change on ``path``; a new route fails until added."""
    appointment = str(site.appointment)
    bodies: dict[str, tuple[str, dict[str, Any]]] = {
        "/staff/logout": ("staff", {"data": {}}),
        "/staff/appointments/{appointment_id}/status": ("staff", {"data": {"status": "served"}}),
        "/staff/appointments/{appointment_id}/notes": ("staff", {"data": {"text": "伪造的备注"}}),
        "/console/logout": ("console", {"data": {}}),
        "/console/api/presence": ("console", {"json": {}}),
        "/console/api/reply": ("console", {"json": {"sender_id": "web:x123456", "text": "你好"}}),
        "/console/api/close": ("console", {"json": {"sender_id": "web:x123456"}}),
        "/console/api/assist": ("console", {"json": {"text": "产假有多少天"}}),
    }
    assert path in bodies, f"add a valid request for {path} to this test"
    console, body = bodies[path]
    return console, path.replace("{appointment_id}", appointment), body


def test_the_state_changing_routes_are_all_known() -> None:
    assert len(CHANGING_ROUTES) >= 8
    assert ("POST", "/staff/appointments/{appointment_id}/status") in CHANGING_ROUTES


@pytest.mark.parametrize(
    ("method", "path"), CHANGING_ROUTES, ids=[f"{m} {p}" for m, p in CHANGING_ROUTES]
)
@pytest.mark.parametrize("token", ["missing", "wrong-field", "wrong-header", "other-session"])
def test_a_change_without_this_sessions_csrf_token_is_refused(
    site: Site, method: str, path: str, token: str
) -> None:
    console, url, body = _change_request(site, path)
    username = "clerk" if console == "staff" else "operator"
    client, _ = _logged_in(site, console, username)
    _, someone_elses = _logged_in(site, console, f"{username}2")
    headers = {}
    if token == "wrong-field" and "data" in body:
        body = {"data": {**body["data"], "csrf_token": "x" * 32}}
    elif token in ("wrong-field", "wrong-header"):
        headers["X-CSRF-Token"] = "x" * 32
    elif token == "other-session":
        headers["X-CSRF-Token"] = someone_elses
    before = site.appointment_state(), operator_on_duty(site)
    response = client.request(method, url, headers=headers, **body)
    assert response.status_code == 403, response.text
    assert (site.appointment_state(), operator_on_duty(site)) == before
    # Still logged in: a refused logout did not log out either.
    home = "/staff/day" if console == "staff" else "/console"
    assert client.get(home).status_code == 200


def operator_on_duty(site: Site) -> int:
    return int(site.portal.call(site.app.state.channels.desk.operators_on_duty))


def test_the_right_csrf_token_is_accepted_so_the_refusals_above_are_about_the_token(
    site: Site,
) -> None:
    client, token = _logged_in(site, "staff", "clerk")
    response = client.post(
        f"/staff/appointments/{site.appointment}/notes",
        data={"text": "带了工资条", "csrf_token": token},
    )
    assert response.status_code == 303
    assert site.appointment_state()[1] == "带了工资条"


@pytest.mark.parametrize("console", ["staff", "console"])
def test_a_login_without_the_forms_own_csrf_token_is_refused(site: Site, console: str) -> None:
    client = site.client()
    client.get(f"/{console}/login")  # sets the login form's CSRF cookie
    for token in ("", "forged-token-0123456789"):
        response = client.post(
            f"/{console}/login",
            data={"username": "clerk" if console == "staff" else "operator", "password": PASSWORD}
            | ({"csrf_token": token} if token else {}),
        )
        assert response.status_code == 400 and "页面已过期" in response.text
        assert not any(
            name.startswith("hotline_") and not name.endswith("_login_csrf")
            for name in _set_cookies(response)
        )


# --- passwords ----------------------------------------------------------------------


def test_passwords_are_stored_only_as_argon2id_hashes(site: Site) -> None:
    with session_scope(site.database) as session:
        user = session.scalar(select(User).where(User.username == "clerk"))
        assert user is not None
        stored = user.password_hash
        row = session.execute(
            text("SELECT * FROM users WHERE username = :name"), {"name": "clerk"}
        ).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored and all(PASSWORD not in str(value) for value in row)
    assert passwords.verify(stored, PASSWORD)
    assert not passwords.verify(stored, PASSWORD + "x")
    assert not passwords.verify("not-a-hash", PASSWORD)
    assert passwords.hash_password(PASSWORD) != stored  # salted: the same password, new hash


@pytest.mark.parametrize("weak", ["short1", "aaaaaaaaaaaa", "1234567890123", "abcdefghijkl"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassword):
        passwords.check_strength(weak)


# --- login rate limits ----------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(site: Site) -> None:
    browser = site.client()
    codes = [_login(browser, "staff", "clerk", "wrong-password-0").status_code for _ in range(5)]
    assert codes == [400] * 5
    locked = _login(browser, "staff", "clerk")
    assert locked.status_code == 429 and "次数太多" in locked.text
    assert "hotline_staff" not in _set_cookies(locked)
    # From another address too: the lock is on the account.
    assert _login(site.client(address="203.0.113.7"), "staff", "clerk").status_code == 429
    # Another account from the first address still logs in.
    assert _login(browser, "staff", "clerk2").status_code == 303


def test_the_console_login_locks_the_same_way(site: Site) -> None:
    browser = site.client()
    for _ in range(5):
        assert _login(browser, "console", "operator", "wrong-password-0").status_code == 400
    locked = _login(browser, "console", "operator")
    assert locked.status_code == 400 and "次数太多" in locked.text
    assert "hotline_console" not in _set_cookies(locked)


def test_one_address_trying_many_accounts_is_locked_out(site: Site) -> None:
    prober = site.client(address="198.51.100.23")
    for index in range(20):
        _login(prober, "staff", f"guess{index}", "wrong-password-0")
    assert _login(prober, "staff", "clerk").status_code == 429
    assert _login(site.client(address="198.51.100.24"), "staff", "clerk").status_code == 303


# --- sessions -----------------------------------------------------------------------


@pytest.mark.parametrize("console", ["staff", "console"])
def test_logging_out_ends_the_session_even_for_a_copy_of_its_cookie(
    site: Site, console: str
) -> None:
    username = "clerk" if console == "staff" else "operator"
    client, token = _logged_in(site, console, username)
    name = "hotline_staff" if console == "staff" else "hotline_console"
    path = "/" if console == "staff" else "/console"
    copy = site.client()
    copy.cookies.set(name, client.cookies[name], path=path)
    page = "/staff/day" if console == "staff" else "/console"
    assert copy.get(page).status_code == 200  # the copy works while the session lasts

    response = client.post(f"/{console}/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == f"/{console}/login"
    assert "max-age=0" in _set_cookies(response)[name].lower()
    for browser in (client, copy):
        after = browser.get(page)
        assert after.status_code == 303 and after.headers["location"] == f"/{console}/login"


def _forged_cookie(site: Site, secret: str) -> str:
    """A staff session for the clerk, signed with ``secret``, otherwise exactly right."""
    real = site.settings.dev_secret("secret_key")
    with session_scope(site.database) as session:
        user = session.scalar(select(User).where(User.username == "clerk"))
        assert user is not None
        fingerprint = password_fingerprint(real, user.password_hash)
        user_id = user.id
    signer = SessionSigner(secret, salt="session:hotline_staff", max_age_s=3600)
    return signer.issue(user_id, fingerprint)[0]


def test_a_session_cookie_signed_with_another_key_is_refused(site: Site) -> None:
    genuine = site.client()
    genuine.cookies.set(
        "hotline_staff", _forged_cookie(site, site.settings.dev_secret("secret_key"))
    )
    assert genuine.get("/staff/day").status_code == 200  # the same cookie, rightly signed

    forged = site.client()
    forged.cookies.set("hotline_staff", _forged_cookie(site, "an-attackers-own-secret-key-0123"))
    response = forged.get("/staff/day")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"

    tampered = site.client()
    value = _forged_cookie(site, site.settings.dev_secret("secret_key"))
    tampered.cookies.set("hotline_staff", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert tampered.get("/staff/day").status_code == 303


def test_changing_the_password_ends_every_open_session(site: Site) -> None:
    with session_scope(site.database) as session:
        accounts.create_user(
            session=session,
            username="mover",
            password=PASSWORD,
            role=UserRole.staff,
            station_id=site.station,
        )
    client, _ = _logged_in(site, "staff", "mover")
    with session_scope(site.database) as session:
        user = session.scalar(select(User).where(User.username == "mover"))
        assert user is not None
        accounts.set_password(session=session, user=user, password="a-new-Password-2027")
    response = client.get("/staff/day")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
