"""The Content-Security-Policy as Chromium enforces it: the staff dashboard, the operator
console and the chat page work under it and trip none of its rules.

The gateway (uvicorn, real Redis, SQLite, scripted engine) and Chromium are the browser
tests' own fixtures. Every page reports each blocked script, style or connection
(``securitypolicyviolation``) to a list the test reads at the end, after using the parts
that need script: the date picker and select boxes that apply themselves, htmx buttons,
the console's live suggestions and the chat.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from bot.auth import service as accounts
from bot.booking import service
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.booking.runtime import booking_runtime
from bot.store.db import session_scope
from bot.store.models import UserRole
from tests.browser.conftest import LAPTOP, Gateway, browser, gateway
from tests.integration.booking.conftest import add_slot, add_station

pytestmark = pytest.mark.browser
__all__ = ["browser", "gateway"]  # the browser tests' fixtures, used here by name

PASSWORD = "station-Pass-2026"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def _seed(gateway: Gateway) -> int:
    """A station with one appointment today, its staff account and an operator."""
    settings = gateway.app.state.settings  # type: ignore[attr-defined]
    runtime = booking_runtime(settings)
    station = add_station(runtime.engine, code="csp-station")
    start = datetime.now(CHINA_TZ).replace(hour=9, minute=0, second=0, microsecond=0)
    slot = add_slot(runtime.engine, station, starts_at=start + timedelta(hours=1))
    with session_scope(runtime.engine) as session:
        booked = service.book(
            session=session,
            request=service.BookingRequest(
                slot_id=slot,
                person_name="王芳",
                phone="13812345678",
                channel="wechat",
                channel_user_id="wx-csp",
            ),
            now=datetime.now(CHINA_TZ),
            policy=BookingPolicy(min_notice_hours=-48),
            cipher=runtime.cipher,
        )
        for username, role, station_id in (
            ("csp-staff", UserRole.staff, station),
            ("csp-operator", UserRole.operator, None),
        ):
            accounts.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                role=role,
                station_id=station_id,
            )
        return booked.appointment.id


def _watched(browser: Browser) -> tuple[BrowserContext, list[str]]:
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")  # type: ignore[arg-type]
    context.add_init_script(RECORD_VIOLATIONS)
    console_errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            console_errors.append(message.text)

    context.on("console", on_console)
    return context, console_errors


def _violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def test_the_staff_dashboard_works_under_the_policy_and_breaks_none_of_it(
    browser: Browser, gateway: Gateway
) -> None:
    appointment = _seed(gateway)
    context, console_errors = _watched(browser)
    page = context.new_page()
    page.goto(f"{gateway.url}/staff/login")
    page.get_by_label("用户名").fill("csp-staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/staff/day$"))
    seen: list[str] = _violations(page)

    # htmx (vendored script) swaps the row in place after a click.
    row = page.locator("table.appointments tbody tr").first
    row.get_by_role("button", name="签到").click()
    expect(row.locator(".badge")).to_have_text("已签到")
    # The date picker applies itself (staff.js, no inline handler).
    tomorrow = (datetime.now(CHINA_TZ) + timedelta(days=1)).date().isoformat()
    page.get_by_label("选择日期").fill(tomorrow)
    expect(page).to_have_url(re.compile(rf"/staff/day\?date={tomorrow}$"))
    seen += _violations(page)

    page.goto(f"{gateway.url}/staff/stats")
    page.locator("select[name=days]").select_option("90")
    expect(page).to_have_url(re.compile(r"/staff/stats\?days=90$"))
    expect(page.locator(".charts svg").first).to_be_visible()
    seen += _violations(page)
    for path in ("/staff/week", f"/staff/appointments/{appointment}"):
        page.goto(f"{gateway.url}{path}")
        expect(page.locator("main")).to_be_visible()
        seen += _violations(page)
    context.close()
    assert seen == [] and console_errors == []


def test_the_console_and_the_chat_page_work_under_the_policy_and_break_none_of_it(
    browser: Browser, gateway: Gateway
) -> None:
    _seed(gateway)
    context, console_errors = _watched(browser)
    page = context.new_page()
    page.goto(f"{gateway.url}/console/login")
    page.get_by_label("用户名").fill("csp-operator")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("来电者说的话").press_sequentially("我在山东，怀孕了公司要辞退我", delay=10)
    expect(page.locator("#suggestions .card")).to_have_count(3)
    seen = _violations(page)

    chat = context.new_page()
    chat.goto(f"{gateway.url}/chat")
    chat.get_by_label("输入您的问题").fill("我怀孕了，公司要辞退我")
    chat.keyboard.press("Enter")
    expect(chat.locator(".msg.bot").last).to_contain_text("辞退")
    seen += _violations(chat)
    context.close()
    assert seen == [] and console_errors == []
