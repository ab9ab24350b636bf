"""A worker books, looks up and cancels a reception day through the whole stack:
gateway → Rasa (booking form) → actions → booking service → SQLite, via ``hotline chat``."""

from __future__ import annotations

import json

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def _chat(stack: Stack, user: str, *lines: str) -> list[dict[str, object]]:
    result = stack.hotline(
        "chat", "--json", "--user", user, stdin="\n".join(lines) + "\n", timeout=180
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _texts(turn: dict[str, object]) -> str:
    return "\n".join(str(r["text"]) for r in turn["replies"])  # type: ignore[index, union-attr]


def test_a_worker_books_looks_up_and_cancels_a_reception_day(stack: Stack) -> None:
    imported = stack.hotline(
        "stations", "import", str(PROJECT_ROOT / "data" / "stations.demo.yaml")
    )
    assert imported.returncode == 0, imported.stderr

    turns = _chat(
        stack,
        "e2e-booking",
        "我想预约维权接待日",
        "济南",
        "1",
        "1",
        "1",
        "王芳",
        "12345",
        "13812345678",
        "1",
    )
    asked = [_texts(t) for t in turns]
    assert "哪个城市" in asked[0]
    assert "济南市" in asked[1] and turns[1]["replies"][0]["buttons"]  # type: ignore[index]
    assert "可以预约的时间" in asked[2]
    assert "同意吗" in asked[3] and "180天" in asked[3]
    assert "姓名" in asked[4]
    assert "手机号" in asked[5]
    assert "11位手机号" in asked[6]  # 12345 is refused, with what a number looks like
    assert "请核对预约信息" in asked[7] and "138****5678" in asked[7]
    confirmation = asked[8]
    assert "预约成功" in confirmation and "身份证" in confirmation and ".ics" in confirmation

    listed = stack.hotline("appointments", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    appointments = json.loads(listed.stdout)
    assert len(appointments) == 1
    booked = appointments[0]
    assert booked["person_name"] == "王芳" and booked["phone_masked"] == "138****5678"
    assert booked["code"] in confirmation and booked["channel"] == "cli"

    later = _chat(stack, "e2e-booking", "我约的是几点", "我想改个时间", "1")
    assert booked["code"] in _texts(later[0])
    assert "可以改到下面的时间" in _texts(later[1])
    assert "已改约" in _texts(later[2]) and booked["code"] in _texts(later[2])
    moved = json.loads(stack.hotline("appointments", "list", "--json").stdout)[0]
    assert moved["code"] == booked["code"] and moved["starts_at"] != booked["starts_at"]

    last = _chat(stack, "e2e-booking", "取消预约", "1")
    assert "要取消这个预约吗" in _texts(last[0])
    assert "已取消预约" in _texts(last[1])
    assert json.loads(stack.hotline("appointments", "list", "--json").stdout) == []
