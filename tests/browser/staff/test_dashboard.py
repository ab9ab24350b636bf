"""Station staff use the dashboard in a real browser: log in, read the day, check a
worker in, export the list; a second station's account never sees the first's workers.

Screenshots go to the test's temporary directory (laptop 1366×768 and phone 390×844).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser.staff.conftest import (
    JINAN_WORKERS,
    LAPTOP,
    PASSWORD,
    PHONE,
    ZIBO_WORKER,
    Dashboard,
)

pytestmark = pytest.mark.browser


def _login(page: Page, dashboard: Dashboard, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{dashboard.url}/staff/day")
    expect(page).to_have_url(re.compile(r"/staff/login$"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`).slice(0, 5);
}"""


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px too wide: {page.evaluate(WIDER_THAN_SCREEN)}"


def test_staff_log_in_see_the_day_check_a_worker_in_and_export(
    browser: Browser, dashboard: Dashboard, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    _login(page, dashboard, "jinan", "wrong-password-1")
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不对。")
    page.screenshot(path=tmp_path / "laptop-login-error.png")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/staff/day$"))
    rows = page.locator("table.appointments tbody tr")
    expect(rows).to_have_count(len(JINAN_WORKERS))
    body = page.content()
    for _, name, phone in JINAN_WORKERS:
        assert name in body
        assert phone not in body  # lists show 138****5678, never the number
        assert f"{phone[:3]}****{phone[-4:]}" in body
    assert ZIBO_WORKER[1] not in body
    page.screenshot(path=tmp_path / "laptop-day.png", full_page=True)

    first = rows.first
    first.get_by_role("button", name="签到").click()
    expect(first.locator(".badge")).to_have_text("已签到")
    first.get_by_role("button", name="已接待").click()
    expect(page.locator("table.appointments tbody tr").first.locator(".badge")).to_have_text(
        "已接待"
    )
    page.reload()
    expect(page.locator("table.appointments tbody tr").first.locator(".badge")).to_have_text(
        "已接待"
    )

    page.get_by_label("状态").select_option("booked")
    expect(page.locator("table.appointments tbody tr")).to_have_count(len(JINAN_WORKERS) - 1)
    expect(page).to_have_url(re.compile(r"status=booked"))
    with page.expect_download() as excel:
        page.get_by_role("link", name="导出 Excel").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes())).active
    assert sheet is not None
    names = [row[5] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(n for _, n, _ in JINAN_WORKERS[1:])
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="导出 CSV").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    exported = list(csv.reader(io.StringIO(text)))
    assert exported[0][0] == "日期" and len(exported) == len(JINAN_WORKERS)
    assert all(phone not in text for _, _, phone in JINAN_WORKERS)

    page.goto(f"{dashboard.url}/staff/week")
    expect(page.locator(".day-card.today .slot-line")).to_have_count(len(JINAN_WORKERS))
    page.screenshot(path=tmp_path / "laptop-week.png", full_page=True)
    page.goto(f"{dashboard.url}/staff/stats")
    expect(page.locator(".charts svg")).to_have_count(4)
    page.screenshot(path=tmp_path / "laptop-stats.png", full_page=True)
    context.close()


def test_the_detail_page_shows_the_full_number_and_writes_the_audit_log(
    browser: Browser, dashboard: Dashboard, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    _login(page, dashboard, "jinan")
    page.get_by_role("link", name="李秀英").click()
    expect(page.locator(".phone-full")).to_have_text("15966668888")
    page.get_by_placeholder(re.compile("已指导申请仲裁")).fill("材料缺工资条，下周补交")
    page.get_by_role("button", name="保存备注").click()
    expect(page.get_by_role("status")).to_have_text("备注已保存。")
    expect(page.locator(".history")).to_contain_text("查看了完整手机号")
    page.screenshot(path=tmp_path / "laptop-detail.png", full_page=True)
    context.close()
    with sqlite3.connect(dashboard.var_dir / "hotline.db") as connection:
        actions = [
            row[0]
            for row in connection.execute(
                "SELECT action FROM audit_events WHERE appointment_id = ?",
                (dashboard.ids["李秀英"],),
            )
        ]
    assert "view_phone" in actions and "notes" in actions


def test_a_second_stations_account_never_sees_the_first_stations_workers(
    browser: Browser, dashboard: Dashboard, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    _login(page, dashboard, "zibo")
    expect(page.locator("table.appointments tbody tr")).to_have_count(1)
    expect(page.locator("table.appointments")).to_contain_text(ZIBO_WORKER[1])
    for _, name, _ in JINAN_WORKERS:
        assert name not in page.content()

    # Guessing the first station's ids, or asking for its station, shows nothing.
    for name in ("王芳", "李秀英"):
        response = page.goto(f"{dashboard.url}/staff/appointments/{dashboard.ids[name]}")
        assert response is not None and response.status in (403, 404)
        assert name not in page.content()
    page.goto(f"{dashboard.url}/staff/day?station=1")
    assert all(name not in page.content() for _, name, _ in JINAN_WORKERS)
    page.screenshot(path=tmp_path / "laptop-other-station.png", full_page=True)
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    exported = httpx.get(f"{dashboard.url}/staff/export.csv?station=1", cookies=cookies).text
    assert all(name not in exported for _, name, _ in JINAN_WORKERS)
    status = httpx.post(
        f"{dashboard.url}/staff/appointments/{dashboard.ids['张丽']}/status",
        data={"status": "no_show"},
        cookies=cookies,
    )
    assert status.status_code in (403, 404)
    context.close()


def test_every_page_is_readable_on_a_phone(
    browser: Browser, dashboard: Dashboard, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{dashboard.url}/staff/login")
    _no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "phone-login.png")
    _login(page, dashboard, "admin")
    expect(page.locator("table.appointments tbody tr")).to_have_count(len(JINAN_WORKERS) + 1)
    for path, shot in (
        ("/staff/day", "phone-day"),
        ("/staff/week", "phone-week"),
        ("/staff/stats", "phone-stats"),
        (f"/staff/appointments/{dashboard.ids['张丽']}", "phone-detail"),
    ):
        page.goto(f"{dashboard.url}{path}")
        _no_horizontal_scroll(page)
        page.screenshot(path=tmp_path / f"{shot}.png", full_page=True)
    context.close()
