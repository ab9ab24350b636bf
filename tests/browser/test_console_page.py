"""The operator console as an operator uses it beside the phone, and a handoff end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LAPTOP, PHONE, Gateway
from tests.unit.channels.console_support import PASSWORD, create_account
from tests.unit.channels.fakes import ART_42

pytestmark = pytest.mark.integration


def logged_in_console(
    browser: Browser, gateway: Gateway, username: str, viewport: dict[str, int] = LAPTOP
) -> Page:
    create_account(gateway.app.state.database, username)  # type: ignore[attr-defined]
    context = browser.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=gateway.url)
    page = context.new_page()
    page.goto(f"{gateway.url}/console")
    expect(page).to_have_url(f"{gateway.url}/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="来电助手")).to_be_visible()
    return page


def test_a_wrong_password_keeps_the_console_closed(browser: Browser, gateway: Gateway) -> None:
    create_account(gateway.app.state.database, "operator-x")  # type: ignore[attr-defined]
    page = browser.new_page(viewport=LAPTOP)  # type: ignore[arg-type]
    page.goto(f"{gateway.url}/console/login")
    page.get_by_label("用户名").fill("operator-x")
    page.get_by_label("密码").fill("not-the-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不对。")
    page.goto(f"{gateway.url}/console")
    expect(page).to_have_url(f"{gateway.url}/console/login")
    page.context.close()


def test_typing_what_the_caller_says_shows_intent_entities_and_three_replies(
    browser: Browser, gateway: Gateway, tmp_path: Path
) -> None:
    page = logged_in_console(browser, gateway, "operator-a")
    page.get_by_label("来电者说的话").press_sequentially("我在山东，怀孕了公司要辞退我", delay=20)
    cards = page.locator("#suggestions .card")
    expect(cards).to_have_count(3)
    expect(page.locator("#intent")).to_contain_text("置信度 82%")
    expect(page.locator("#entities")).to_contain_text("省份：山东省")
    expect(page.locator("#entities")).to_contain_text("时期：孕期")
    first = cards.first
    expect(first.locator(".cites")).to_contain_text("《")
    copy_button = first.get_by_role("button", name="复制第1条建议答复")
    copy_button.click()
    expect(copy_button).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(first.locator(".say").inner_text())
    page.screenshot(path=str(tmp_path / "console-suggestions-1366.png"), full_page=True)
    # One click starts the walkthrough on the caller's behalf.
    first.get_by_role("button", name="开始引导").click()
    expect(page.locator("#call-log")).to_contain_text(ART_42)
    sender, text = gateway.engine.messages[-1]
    assert sender.startswith("console:")
    assert text == '/three_period_dismissal{"province": "山东省", "period": "pregnancy"}'
    page.screenshot(path=str(tmp_path / "console-walkthrough-1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "console-390.png"), full_page=True)
    page.context.close()


def test_a_handoff_reaches_the_queue_and_the_operators_reply_reaches_the_worker(
    browser: Browser, gateway: Gateway, tmp_path: Path
) -> None:
    console = logged_in_console(browser, gateway, "operator-b")
    expect(console.locator("#duty")).to_contain_text("在线 1 人")
    worker = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()  # type: ignore[arg-type]
    worker.goto(f"{gateway.url}/chat")
    worker.get_by_label("输入您的问题").fill("转人工")
    worker.keyboard.press("Enter")
    expect(worker.locator(".msg.bot").last).to_contain_text("已为您转接人工接线员")
    worker.get_by_label("输入您的问题").fill("公司让我下个月不用来上班了")
    worker.keyboard.press("Enter")
    entry = console.locator("#queue button").first
    expect(entry).to_contain_text("web", timeout=8000)
    expect(entry).to_contain_text("要求人工")
    entry.click()
    expect(console.locator("#thread-lines")).to_contain_text("公司让我下个月不用来上班了")
    console.get_by_label("回复（会通过对方使用的微信、Telegram 或网页发送）").fill(
        "您好，我是接线员，您别着急，先说说公司是怎么通知您的？"
    )
    console.get_by_role("button", name="发送回复").click()
    expect(console.locator("#reply-status")).to_have_text("已发送")
    expect(worker.locator(".msg.operator")).to_contain_text("您别着急", timeout=8000)
    expect(console.locator("#queue button").first).to_contain_text("处理中：operator-b")
    console.screenshot(path=str(tmp_path / "console-handoff-1366.png"), full_page=True)
    worker.screenshot(path=str(tmp_path / "chat-operator-reply-390.png"), full_page=True)
    console.get_by_role("button", name="结束人工服务").click()
    expect(worker.locator(".msg.operator").last).to_contain_text("人工服务已结束", timeout=8000)
    expect(console.locator("#queue button")).to_have_count(0)
    worker.context.close()
    console.context.close()
