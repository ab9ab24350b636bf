"""Channels through the whole stack: real engine, actions and gateway, platforms faked.

WeChat (plain and safe mode) and Telegram reach the real Rasa engine; a handoff asked in
WeChat reaches the operator console and the operator's reply reaches the worker through
WeChat's customer-service API (faked on loopback). The engine is restarted mid-conversation
to show that conversation state lives in the tracker store, not in any process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.engine.model import ensure_model
from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import HOTLINE, _wait_healthy
from tests.e2e.platforms import PlatformLog, fake_platforms
from tests.support.ports import free_port
from tests.unit.channels.wechat_support import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    decrypt_reply,
    encrypted,
    reply_content,
    signed_params,
    text_xml,
)

pytestmark = pytest.mark.e2e

ART_42 = "《中华人民共和国劳动合同法》第四十二条"
TELEGRAM_SECRET = "e2e-telegram-secret"
OPERATOR = "operator-e2e"
OPERATOR_PASSWORD = "hotline-Operator-2026"


@dataclass
class ChannelStack:
    env: dict[str, str]
    gateway_url: str
    engine_url: str
    var_dir: Path
    platforms: PlatformLog
    processes: dict[str, subprocess.Popen[bytes]]
    logs: dict[str, Path]
    commands: dict[str, list[str]]

    def start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(
            self.commands[name],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=self.logs[name].open("ab"),
            stderr=subprocess.STDOUT,
        )

    def stop(self, name: str) -> None:
        process = self.processes[name]
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    def hotline(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "GATEWAY_URL": self.gateway_url}
        return subprocess.run(
            [HOTLINE, *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)
        _wait_healthy(self.gateway_url, self.processes, self.logs)

    def wechat(self, text: str, msg_id: str, user: str) -> str:
        response = httpx.post(
            f"{self.gateway_url}/wechat",
            params=signed_params(),
            content=text_xml(text, msg_id, user=user).encode(),
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return reply_content(response.text) if response.text != "success" else ""

    def tracker(self, sender: str) -> dict[str, object]:
        token = (self.var_dir / "dev-secrets" / "rasa_token").read_text().strip()
        response = httpx.get(
            f"{self.engine_url}/conversations/{sender}/tracker",
            params={"token": token},
            timeout=10,
        )
        response.raise_for_status()
        return dict(response.json())


@pytest.fixture(scope="module")
def channel_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelStack]:
    ensure_model(PROJECT_ROOT / "models")
    var_dir = tmp_path_factory.mktemp("channels-var")
    engine_port, actions_port, gateway_port = free_port(), free_port(), free_port()
    with fake_platforms() as (platform_url, platform_log):
        env = {
            **os.environ,
            "HOTLINE_ENV": "test",
            "VAR_DIR": str(var_dir),
            "MODEL_DIR": str(PROJECT_ROOT / "models"),
            "RASA_URL": f"http://127.0.0.1:{engine_port}",
            "RASA_PORT": str(engine_port),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "ACTION_SERVER_PORT": str(actions_port),
            "GATEWAY_PORT": str(gateway_port),
            "LOG_LEVEL": "WARNING",
            "WECHAT_TOKEN": TOKEN,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_ENCODING_AES_KEY": AES_KEY,
            "WECHAT_API_BASE_URL": f"{platform_url}/cgi-bin/",
            "TELEGRAM_TOKEN": "123456:E2E-TOKEN",
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": f"{platform_url}/bot",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        subprocess.run([HOTLINE, "db", "upgrade"], env=env, check=True, capture_output=True)
        _create_operator(env)
        commands = {
            "actions": [HOTLINE, "actions"],
            "engine": [HOTLINE, "engine", "run"],
            "gateway": [HOTLINE, "serve"],
        }
        stack = ChannelStack(
            env=env,
            gateway_url=f"http://127.0.0.1:{gateway_port}",
            engine_url=f"http://127.0.0.1:{engine_port}",
            var_dir=var_dir,
            platforms=platform_log,
            processes={},
            logs={name: var_dir / f"{name}.out" for name in commands},
            commands=commands,
        )
        for name in commands:
            stack.start(name)
        try:
            _wait_healthy(stack.gateway_url, stack.processes, stack.logs)
            yield stack
        finally:
            for name in list(stack.processes):
                stack.stop(name)


def _create_operator(env: dict[str, str]) -> None:
    """An operator account in the stack's database (as `hotline staff create-user` would)."""
    script = (
        "from bot.settings import get_settings\n"
        "from bot.store.db import engine_for\n"
        "from tests.unit.channels.console_support import create_account\n"
        f"create_account(engine_for(get_settings().effective_database_url), {OPERATOR!r})\n"
    )
    python = str(Path(HOTLINE).parent / "python")
    subprocess.run([python, "-c", script], env=env, cwd=PROJECT_ROOT, check=True)


def _console(stack: ChannelStack) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=stack.gateway_url, timeout=10)
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    client.post(
        "/console/login",
        data={"username": OPERATOR, "password": OPERATOR_PASSWORD, "csrf_token": token.group(1)},
    )
    console = client.get("/console")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', console.text)
    assert console.status_code == 200 and csrf is not None
    return client, {"X-CSRF-Token": csrf.group(1)}


def test_a_wechat_text_message_is_answered_by_the_real_engine(channel_stack: ChannelStack) -> None:
    answer = channel_stack.wechat("我怀孕了，公司要辞退我", "880001", user="oE2eWorker1")
    assert ART_42 in answer
    assert len(answer.encode("utf-8")) <= 2048


def test_a_safe_mode_message_is_answered_encrypted(channel_stack: ChannelStack) -> None:
    params, body = encrypted(text_xml("我怀孕了，公司要辞退我", "880002", user="oE2eWorker2"))
    response = httpx.post(
        f"{channel_stack.gateway_url}/wechat", params=params, content=body.encode(), timeout=10
    )
    assert response.status_code == 200 and "<Encrypt>" in response.text
    assert ART_42 in reply_content(decrypt_reply(response.text, params))


def test_a_telegram_update_is_answered_through_the_bot_api(channel_stack: ChannelStack) -> None:
    update = {
        "update_id": 990001,
        "message": {
            "message_id": 5,
            "from": {"id": 7011000001, "is_bot": False, "first_name": "丽"},
            "chat": {"id": 7011000001, "first_name": "丽", "type": "private"},
            "date": int(time.time()),
            "text": "我怀孕了，公司要辞退我",
        },
    }
    response = httpx.post(
        f"{channel_stack.gateway_url}/telegram/{TELEGRAM_SECRET}",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        timeout=15,
    )
    assert response.status_code == 200
    texts = channel_stack.platforms.telegram_texts(7011000001)
    assert texts and ART_42 in texts[0]


def test_telegram_long_polling_hands_updates_to_the_gateway(channel_stack: ChannelStack) -> None:
    channel_stack.platforms.telegram_pending.append(
        {
            "update_id": 990100,
            "message": {
                "message_id": 6,
                "from": {"id": 7011000002, "is_bot": False, "first_name": "芳"},
                "chat": {"id": 7011000002, "first_name": "芳", "type": "private"},
                "date": int(time.time()),
                "text": "/start",
                "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
            },
        }
    )
    result = channel_stack.hotline("telegram", "poll", "--once", "--timeout", "0")
    assert result.returncode == 0, result.stderr
    assert "已处理 1 条更新" in result.stdout
    calls = channel_stack.platforms.telegram_calls
    assert "deleteWebhook" in [name for name, _ in calls]
    greeting = next(p for n, p in calls if n == "sendMessage" and int(p["chat_id"]) == 7011000002)
    assert greeting["reply_markup"]["inline_keyboard"][0][0]["text"] == "怀孕被辞退"


def test_the_wechat_menu_command_publishes_the_four_entries(channel_stack: ChannelStack) -> None:
    result = channel_stack.hotline("wechat", "menu", "--json")
    assert result.returncode == 0, result.stderr
    menu = channel_stack.platforms.wechat_menus[-1]
    names = [b["name"] for b in menu["button"]]
    subs = [s["name"] for b in menu["button"] for s in b.get("sub_button", [])]
    assert names == ["权益问答", "预约", "人工服务"] and subs == ["预约接待", "我的预约"]


def test_a_wechat_handoff_reaches_the_console_and_the_reply_goes_back_by_wechat(
    channel_stack: ChannelStack,
) -> None:
    console, headers = _console(channel_stack)
    console.post("/console/api/presence", json={}, headers=headers)
    answer = channel_stack.wechat("转人工", "880010", user="oE2eHandoff")
    assert "已为您转接人工接线员" in answer
    queue = console.post("/console/api/presence", json={}, headers=headers).json()["queue"]
    assert "wechat:oE2eHandoff" in [h["sender_id"] for h in queue]
    reply = console.post(
        "/console/api/reply",
        json={"sender_id": "wechat:oE2eHandoff", "text": "您好，我是接线员，请讲。"},
        headers=headers,
    )
    assert reply.json() == {"delivered": True}
    sent = channel_stack.platforms.wechat_sent
    assert {
        "touser": "oE2eHandoff",
        "msgtype": "text",
        "text": {"content": "您好，我是接线员，请讲。"},
    } in sent
    console.post("/console/api/close", json={"sender_id": "wechat:oE2eHandoff"}, headers=headers)


def test_suggestions_come_from_the_real_engine_and_the_benchmark_runs(
    channel_stack: ChannelStack,
) -> None:
    response = httpx.post(
        f"{channel_stack.gateway_url}/api/v1/suggest",
        json={"text": "我在济南，怀孕五个月了，公司说要辞退我"},
        timeout=10,
    )
    body = response.json()
    assert body["engine"] == "up" and body["intent"] == "three_period_dismissal"
    assert len(body["suggestions"]) == 3 and body["suggestions"][0]["citations"]
    bench = subprocess.run(
        [HOTLINE, "console", "bench", "--requests", "20", "--warmup", "3", "--json"],
        env={**channel_stack.env, "GATEWAY_URL": channel_stack.gateway_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bench.returncode == 0, bench.stderr
    figures = json.loads(bench.stdout)
    assert figures["requests"] == 20 and figures["errors"] == 0


def test_the_conversation_survives_an_engine_restart(channel_stack: ChannelStack) -> None:
    # Before the restart: one worker is greeted with numbered choices; another writes
    # something the assistant cannot understand (its first miss).
    channel_stack.wechat("你好", "880020", user="oE2eRestartA")
    first_miss = channel_stack.wechat("asdfghjkl", "880021", user="oE2eRestartB")
    assert "没有完全理解" in first_miss
    events_before = len(channel_stack.tracker("wechat:oE2eRestartA")["events"])  # type: ignore[arg-type]
    channel_stack.restart("engine")
    # The restarted engine reads both conversations back from the tracker store.
    assert len(channel_stack.tracker("wechat:oE2eRestartA")["events"]) >= events_before  # type: ignore[arg-type]
    assert ART_42 in channel_stack.wechat("1", "880022", user="oE2eRestartA")
    second_miss = channel_stack.wechat("zzzz", "880023", user="oE2eRestartB")
    assert "两次都没能理解" in second_miss and "人工" in second_miss
    events = channel_stack.tracker("wechat:oE2eRestartB")["events"]
    texts = [e.get("text") for e in events if e.get("event") == "user"]  # type: ignore[union-attr]
    assert texts == ["asdfghjkl", "zzzz"]
