"""The system under test: PostgreSQL, Redis, engine(s), action server and gateway on loopback.

Everything is started here, as separate processes with private ports and a private ``var/``,
so a benchmark never disturbs a running assistant and measures the deployment shape: the
SQL tracker store and bookings in PostgreSQL, the lock store and caches in Redis.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from bot.devservices import PostgresCluster, RedisServer, free_port, start_cluster, start_redis
from bot.settings import PROJECT_ROOT

__all__ = ["BenchStack", "StackError", "start_stack"]

START_TIMEOUT_S = 300.0
HOTLINE = str(Path(sys.executable).parent / "hotline")


class StackError(RuntimeError):
    """A process of the stack did not start."""


@dataclass
class BenchStack:
    root: Path
    env: dict[str, str]
    gateway_url: str
    engine_urls: list[str]
    wechat_token: str
    rasa_token: str
    postgres: PostgresCluster
    redis: RedisServer
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def pids(self) -> dict[str, list[int]]:
        """Every process of the stack by role, children included (uvicorn workers, PG backends)."""
        roles: dict[str, list[int]] = {}
        for name, process in self.processes.items():
            roles[name] = _tree(process.pid)
        postmaster = self.postgres.postmaster_pid()
        roles["postgres"] = _tree(postmaster) if postmaster else []
        roles["redis"] = [self.redis.pid] if self.redis.pid else []
        roles["load-generator"] = [os.getpid()]
        return roles

    def memory_mb(self) -> dict[str, float]:
        """Proportional set size (shared pages split between sharers) per role, in MB.

        Why PSS and not RSS: PostgreSQL backends and forked workers share most of their
        pages; adding their RSS would count the same memory many times.
        """
        result: dict[str, float] = {}
        for role, pids in self.pids().items():
            total = 0
            for pid in pids:
                with contextlib.suppress(psutil.Error):
                    total += psutil.Process(pid).memory_full_info().pss
            result[role] = round(total / 2**20, 1)
        return result

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each role's processes.

        Why: on a shared, noisy machine latency figures move with the neighbours' load,
        but the CPU one message costs each process barely does; it shows where time goes.
        """
        result: dict[str, float] = {}
        for role, pids in self.pids().items():
            total = 0.0
            for pid in pids:
                with contextlib.suppress(psutil.Error):
                    times = psutil.Process(pid).cpu_times()
                    total += times.user + times.system
            result[role] = total
        return result

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.redis.destroy()
        self.postgres.destroy()


def _tree(pid: int) -> list[int]:
    try:
        parent = psutil.Process(pid)
        return [pid, *(child.pid for child in parent.children(recursive=True))]
    except psutil.Error:
        return []


def _wait_up(url: str, stack: BenchStack, deadline: float) -> None:
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                log = (stack.root / f"{name}.log").read_text(errors="replace")[-2000:]
                raise StackError(f"{name} exited with {process.returncode}:\n{log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=3).status_code == 200:
                return
        time.sleep(0.5)
    raise StackError(f"not up after {START_TIMEOUT_S:.0f} s: {url}")


@contextlib.contextmanager
def start_stack(
    *, engines: int = 1, gateways: int = 1, engine_workers: int = 1
) -> Iterator[BenchStack]:
    """Start the whole stack; stop every process (and delete its data) afterwards.

    ``engines`` separate engine processes (each its own address), each with
    ``engine_workers`` forked workers (Rasa's SANIC_WORKERS, one address); ``gateways``
    uvicorn workers share the gateway's one address.
    """
    root = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    postgres = start_cluster(free_port())
    redis = start_redis(free_port())
    engine_ports = [free_port() for _ in range(engines)]
    actions_port, gateway_port = free_port(), free_port()
    engine_urls = [f"http://127.0.0.1:{port}" for port in engine_ports]
    wechat_token, rasa_token = secrets.token_hex(16), secrets.token_hex(16)
    env = {
        **os.environ,
        "HOTLINE_ENV": "test",
        "VAR_DIR": str(root / "var"),
        "MODEL_DIR": str(PROJECT_ROOT / "models"),
        "DATABASE_URL": postgres.create_database("hotline"),
        "REDIS_URL": redis.url,
        "RASA_URL": ",".join(engine_urls),
        "RASA_TOKEN": rasa_token,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "ACTION_SERVER_PORT": str(actions_port),
        "GATEWAY_PORT": str(gateway_port),
        "WECHAT_TOKEN": wechat_token,
        "LOG_LEVEL": "WARNING",
        "ENGINE_WORKERS": str(engine_workers),
    }
    stack = BenchStack(
        root=root,
        env=env,
        gateway_url=f"http://127.0.0.1:{gateway_port}",
        engine_urls=engine_urls,
        wechat_token=wechat_token,
        rasa_token=rasa_token,
        postgres=postgres,
        redis=redis,
    )
    try:
        subprocess.run([HOTLINE, "db", "upgrade"], env=env, check=True, capture_output=True)
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "actions": ([HOTLINE, "actions"], env)
        }
        for number, port in enumerate(engine_ports, start=1):
            engine_env = {**env, "RASA_PORT": str(port), "VAR_DIR": str(root / f"var-e{number}")}
            commands[f"engine-{number}"] = ([HOTLINE, "engine", "run"], engine_env)
        commands["gateway"] = ([HOTLINE, "serve", "--workers", str(gateways)], env)
        for name, (argv, process_env) in commands.items():
            stack.processes[name] = subprocess.Popen(
                argv,
                env=process_env,
                cwd=PROJECT_ROOT,
                stdout=(root / f"{name}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        for url in engine_urls:
            _wait_up(f"{url}/status?token={rasa_token}", stack, deadline)
        _wait_up(f"{stack.gateway_url}/health", stack, deadline)
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)
