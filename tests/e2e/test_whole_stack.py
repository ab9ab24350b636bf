"""A real message through gateway → Rasa → action → knowledge, via the `hotline` CLI."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

ART_42 = "《中华人民共和国劳动合同法》第四十二条"


def test_health_reports_every_dependency_up(stack: Stack) -> None:
    body = httpx.get(f"{stack.gateway_url}/health", timeout=5).json()
    assert body["status"] == "ok"
    assert {name: d["status"] for name, d in body["dependencies"].items()} == {
        "engine": "up",
        "action_server": "up",
        "database": "up",
        "redis": "up",
    }


def test_ask_prints_the_contract_json_with_the_dismissal_answer(stack: Stack) -> None:
    result = stack.hotline("ask", "我怀孕了，公司要辞退我", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) >= {"intent", "confidence", "entities", "replies"}
    assert body["intent"] == "three_period_dismissal"
    assert 0.0 < body["confidence"] <= 1.0
    assert any(ART_42 in reply["citations"] for reply in body["replies"])
    assert all(isinstance(reply["text"], str) and reply["text"] for reply in body["replies"])


def test_ask_with_a_province_fills_the_slot(stack: Stack) -> None:
    result = stack.hotline("ask", "产假有多少天", "--province", "山东", "--json")
    body = json.loads(result.stdout)
    assert body["intent"] == "maternity_leave"
    assert body["replies"] and body["replies"][0]["citations"]


def test_nlu_parse_prints_the_engine_parse(stack: Stack) -> None:
    result = stack.hotline("nlu", "parse", "怀孕七个月了公司让我上夜班，我在济南", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["text"] == "怀孕七个月了公司让我上夜班，我在济南"
    assert body["intent"]["name"] == "three_period_job_change"
    assert {"entity": "city", "value": "济南"}.items() <= next(
        e for e in body["entities"] if e["entity"] == "city"
    ).items()


def test_chat_json_holds_a_multi_turn_conversation_with_numbered_buttons(stack: Stack) -> None:
    result = stack.hotline("chat", "--json", stdin="你好\n1\n谢谢\n")
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["user"] for t in turns] == ["你好", "1", "谢谢"]
    greeting = turns[0]["replies"][0]
    assert greeting["buttons"][0]["title"] == "怀孕被辞退"
    # "1" picks the first button, which asks about dismissal during the three periods.
    assert any(ART_42 in r["citations"] for r in turns[1]["replies"])
    assert turns[2]["intent"] == "thanks"


def test_chat_remembers_the_conversation_of_the_same_user(stack: Stack) -> None:
    first = stack.hotline("chat", "--json", "--user", "e2e-memory", stdin="我在哺乳期\n")
    assert first.returncode == 0, first.stderr
    tracker_db = stack.var_dir / "rasa_tracker.db"
    assert tracker_db.exists()
    with sqlite3.connect(tracker_db) as connection:
        senders = {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}
    assert "cli:e2e-memory" in senders
