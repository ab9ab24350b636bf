"""The whole stack for end-to-end tests: engine + action server + gateway, started for real.

The model is trained only when its inputs changed (``hotline engine train`` reuses the
model under ``models/`` otherwise). Every process gets free ports and a private ``var/``
so a developer's running ``make run`` is never disturbed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.engine.model import ensure_model
from bot.settings import PROJECT_ROOT
from tests.support.ports import free_port

HOTLINE = str(Path(sys.executable).parent / "hotline")
START_TIMEOUT_S = 240


@dataclass
class Stack:
    env: dict[str, str]
    gateway_url: str
    var_dir: Path
    logs: dict[str, Path]

    def hotline(
        self, *args: str, stdin: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HOTLINE, *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _wait_healthy(
    url: str, processes: dict[str, subprocess.Popen[bytes]], logs: dict[str, Path]
) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_S:
        for name, process in processes.items():
            if process.poll() is not None:
                tail = logs[name].read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")
        try:
            response = httpx.get(f"{url}/health", timeout=3)
            if response.status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"stack not healthy after {START_TIMEOUT_S}s: {url}/health")


COMMANDS = {
    "actions": [HOTLINE, "actions"],
    "engine": [HOTLINE, "engine", "run"],
    "gateway": [HOTLINE, "serve"],
}


def stack_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a private stack: free ports, its own ``var/``, quiet logs.

    ``DATABASE_URL`` and ``REDIS_URL`` are dropped (embedded default) unless passed in
    ``settings``, which override any variable (e.g. ``WECHAT_TOKEN``).
    """
    engine_port, actions_port, gateway_port = free_port(), free_port(), free_port()
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
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(settings)
    return env


def start_process(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start one of ``COMMANDS`` with its output appended to ``log``."""
    return subprocess.Popen(
        COMMANDS[name], env=env, cwd=PROJECT_ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


@contextlib.contextmanager
def running_stack(var_dir: Path, **settings: str) -> Iterator[Stack]:
    """Engine, action server and gateway (``settings`` over ``stack_env``), stopped afterwards."""
    ensure_model(PROJECT_ROOT / "models")
    env = stack_env(var_dir, **settings)
    subprocess.run([HOTLINE, "db", "upgrade"], env=env, check=True, capture_output=True)
    logs = {name: var_dir / f"{name}.out" for name in COMMANDS}
    processes = {name: start_process(name, env, logs[name]) for name in COMMANDS}
    gateway_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    try:
        _wait_healthy(gateway_url, processes, logs)
        yield Stack(env=env, gateway_url=gateway_url, var_dir=var_dir, logs=logs)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("var")) as started:
        yield started
