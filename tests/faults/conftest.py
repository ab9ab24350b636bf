"""A whole stack whose dependencies the tests can take away: PostgreSQL, Redis, the engine.

Engine, action server and gateway run as real processes (as in ``tests/e2e``), on a
throwaway PostgreSQL cluster and a ``redis-server`` that this fixture starts itself, so a
test can stop and restart each of them. WeChat is on (``WECHAT_TOKEN``): the tests post
signed WeChat XML to ``POST /wechat``; WeChat's server API (customer-service messages, for
answers that follow a holding reply) is faked on loopback.
"""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.devservices import PostgresCluster, RedisServer, start_cluster, start_redis
from bot.engine.model import ensure_model
from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import COMMANDS, HOTLINE, _wait_healthy, stack_env, start_process
from tests.e2e.platforms import PlatformLog, fake_platforms
from tests.support.ports import free_port
from tests.unit.channels.wechat_support import (
    APP_ID,
    APP_SECRET,
    TOKEN,
    reply_content,
    signed_params,
    text_xml,
)

# WeChat waits 5 s for the reply to a message, then gives up on it (and retries): a protocol
# deadline, not a speed target.
WECHAT_DEADLINE_S = 5.0
RECOVERY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class WeChatAnswer:
    status: int
    text: str


@dataclass(frozen=True)
class Health:
    status: int
    dependencies: dict[str, dict[str, Any]]

    def down(self) -> set[str]:
        return {name for name, dep in self.dependencies.items() if dep["status"] != "up"}


@dataclass
class FaultStack:
    env: dict[str, str]
    gateway_url: str
    engine_url: str
    var_dir: Path
    postgres: PostgresCluster
    redis: RedisServer
    platforms: PlatformLog
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    _msg_ids: Iterator[int] = field(default_factory=lambda: itertools.count(int(time.time())))

    # -- the processes --------------------------------------------------------------

    def start(self, name: str) -> None:
        self.processes[name] = start_process(name, self.env, self.logs[name])

    def stop(self, name: str, sig: signal.Signals = signal.SIGTERM) -> None:
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def pause(self, name: str) -> None:
        """Freeze a process (SIGSTOP): it keeps its sockets open but answers nothing."""
        self.processes[name].send_signal(signal.SIGSTOP)

    def resume(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGCONT)

    def wait_healthy(self) -> None:
        _wait_healthy(self.gateway_url, self.processes, self.logs)

    # -- what a worker, WeChat and an operator see ------------------------------------

    def wechat(self, text: str, user: str) -> WeChatAnswer:
        """One text message as WeChat posts it, waiting no longer than WeChat does."""
        response = httpx.post(
            f"{self.gateway_url}/wechat",
            params=signed_params(),
            content=text_xml(text, str(next(self._msg_ids)), user=user).encode(),
            timeout=WECHAT_DEADLINE_S,
        )
        body = response.text
        content = reply_content(body) if body.startswith("<xml>") else ""
        return WeChatAnswer(response.status_code, content)

    def health(self) -> Health:
        response = httpx.get(f"{self.gateway_url}/health", timeout=10)
        return Health(response.status_code, dict(response.json()["dependencies"]))

    def wait_for_health(self, status: int, timeout_s: float = RECOVERY_TIMEOUT_S) -> Health:
        """Poll ``/health`` until it reports ``status`` (the dependency came back, or not)."""
        deadline = time.monotonic() + timeout_s
        while True:
            health = self.health()
            if health.status == status or time.monotonic() > deadline:
                return health
            time.sleep(0.5)

    def pushed_to(self, user: str) -> list[str]:
        """Customer-service messages the gateway pushed to ``user`` through WeChat's API."""
        return [
            str(sent["text"]["content"])
            for sent in self.platforms.wechat_sent
            if sent.get("touser") == user and sent.get("msgtype") == "text"
        ]

    def hotline(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HOTLINE, *args],
            env=self.env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def appointments(self) -> list[dict[str, Any]]:
        listed = self.hotline("appointments", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        return list(json.loads(listed.stdout))

    def user_texts(self, sender: str) -> list[str]:
        """What the worker said in this conversation, as the engine's tracker store kept it."""
        token = (self.var_dir / "dev-secrets" / "rasa_token").read_text().strip()
        response = httpx.get(
            f"{self.engine_url}/conversations/{sender}/tracker",
            params={"token": token},
            timeout=10,
        )
        response.raise_for_status()
        events = response.json()["events"]
        return [str(e.get("text")) for e in events if e.get("event") == "user"]


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    ensure_model(PROJECT_ROOT / "models")
    var_dir = tmp_path_factory.mktemp("faults-var")
    postgres = start_cluster(free_port())
    redis = start_redis(free_port())
    try:
        with fake_platforms() as (platform_url, platform_log):
            env = stack_env(
                var_dir,
                DATABASE_URL=postgres.create_database("hotline"),
                REDIS_URL=redis.url,
                WECHAT_TOKEN=TOKEN,
                WECHAT_APP_ID=APP_ID,
                WECHAT_APP_SECRET=APP_SECRET,
                WECHAT_API_BASE_URL=f"{platform_url}/cgi-bin/",
            )
            env.pop("WECHAT_ENCODING_AES_KEY", None)
            stack = FaultStack(
                env=env,
                gateway_url=f"http://127.0.0.1:{env['GATEWAY_PORT']}",
                engine_url=env["RASA_URL"],
                var_dir=var_dir,
                postgres=postgres,
                redis=redis,
                platforms=platform_log,
                logs={name: var_dir / f"{name}.out" for name in COMMANDS},
            )
            for setup in (
                ["db", "upgrade"],
                ["stations", "import", str(PROJECT_ROOT / "data" / "stations.demo.yaml")],
            ):
                done = stack.hotline(*setup)
                assert done.returncode == 0, done.stderr
            for name in COMMANDS:
                stack.start(name)
            try:
                stack.wait_healthy()
                yield stack
            finally:
                for name in stack.processes:
                    stack.resume(name)  # a frozen process cannot act on SIGTERM
                    stack.stop(name)
    finally:
        redis.destroy()
        postgres.destroy()
