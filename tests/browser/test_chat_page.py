"""The web chat page as a worker uses it on a phone and a laptop."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LAPTOP, PHONE, Gateway
from tests.unit.channels.fakes import ART_42

pytestmark = pytest.mark.integration


def open_chat(browser: Browser, gateway: Gateway, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{gateway.url}/chat")
    return page


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_worker_asks_and_reads_the_answer_with_its_legal_basis(
    browser: Browser, gateway: Gateway, tmp_path: Path, viewport: dict[str, int]
) -> None:
    page = open_chat(browser, gateway, viewport)
    expect(page.get_by_role("heading", name="三期女职工维权助手")).to_be_visible()
    page.get_by_label("输入您的问题").fill("我怀孕了，公司要辞退我")
    page.keyboard.press("Enter")
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text(ART_42)
    expect(page.locator(".msg.worker").last).to_have_text("我怀孕了，公司要辞退我")
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / f"chat-answer-{viewport['width']}.png"), full_page=True)
    page.context.close()


def test_buttons_are_clickable_large_and_send_their_choice(
    browser: Browser, gateway: Gateway, tmp_path: Path
) -> None:
    page = open_chat(browser, gateway, PHONE)
    choice = page.get_by_role("button", name="怀孕被辞退")
    box = choice.bounding_box()
    assert box is not None and box["height"] >= 44  # a finger-sized target
    choice.click()
    expect(page.locator(".msg.bot").last).to_contain_text("单位不得辞退")
    assert gateway.engine.messages[-1][1] == "/three_period_dismissal"
    page.screenshot(path=str(tmp_path / "chat-button.png"))
    page.context.close()


def test_the_page_is_labelled_for_screen_readers(browser: Browser, gateway: Gateway) -> None:
    page = open_chat(browser, gateway, PHONE)
    assert page.get_attribute("html", "lang") == "zh-CN"
    expect(page.get_by_role("log", name="对话记录")).to_be_visible()
    expect(page.get_by_role("button", name="发送")).to_be_visible()
    expect(page.get_by_role("link", name="12338 妇联")).to_have_attribute("href", "tel:12338")
    page.context.close()


def test_asking_for_a_person_off_duty_is_told_so_and_an_operator_reply_arrives_later(
    browser: Browser, gateway: Gateway, tmp_path: Path, redis_url: str
) -> None:
    page = open_chat(browser, gateway, PHONE)
    page.get_by_role("button", name="转人工").click()
    expect(page.locator(".msg.bot").last).to_contain_text("现在没有人工接线员在线")
    expect(page.locator(".msg.bot").last).to_contain_text("12338")
    worker = next(c["value"] for c in page.context.cookies() if c["name"] == "hotline_chat")
    store = redis.Redis.from_url(redis_url)
    assert store.zscore("handoff:queue", f"web:{worker}") is not None
    # An operator answers later (pushed to the web chat's outbox, as the console does).
    reply = {"text": "您好，我是接线员小王，您的留言我看到了。", "citations": [], "buttons": []}
    store.rpush(f"outbox:web:{worker}", json.dumps(reply, ensure_ascii=False))
    expect(page.locator(".msg.operator")).to_contain_text("接线员小王", timeout=8000)
    expect(page.locator(".msg.operator .who")).to_have_text("人工接线员")
    page.screenshot(path=str(tmp_path / "chat-handoff.png"), full_page=True)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", worker)
    page.context.close()
