"""Throwaway PostgreSQL and Redis servers on loopback, for the tests and the benchmarks.

Why in the product and not only in ``tests/``: ``hotline bench chat`` must measure the
gateway against the real stores it runs with in production, on a machine where nothing is
running yet, so it starts them itself exactly as the test run does.

PostgreSQL refuses to run as root, and CI runs as root: the cluster is created and started
as the ``postgres`` user (``runuser``) with trust authentication, listening on a private
port on 127.0.0.1; clients connect over TCP.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

__all__ = ["PostgresCluster", "RedisServer", "free_port", "start_cluster", "start_redis"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(
            f"PostgreSQL server binary {name!r} not found: install Debian's `postgresql` package"
        )
    return found


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@dataclass
class PostgresCluster:
    host: str
    port: int
    user: str
    datadir: Path
    root: Path

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def is_running(self) -> bool:
        result = subprocess.run(
            _as_postgres([_bin("pg_ctl"), "status", "-D", str(self.datadir)]),
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def postmaster_pid(self) -> int | None:
        """The server's main process (its first line of ``postmaster.pid``), if running."""
        try:
            return int((self.datadir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "stop", "-D", str(self.datadir), "-m", "fast", "-w"]),
            capture_output=True,
            check=False,
        )

    def start(self) -> None:
        log = self.root / "postgres.log"
        subprocess.run(
            _as_postgres(
                [
                    _bin("pg_ctl"),
                    "start",
                    "-D",
                    str(self.datadir),
                    "-w",
                    "-l",
                    str(log),
                    "-o",
                    f"-h {self.host} -p {self.port} -k {self.root} -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                ]
            ),
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(
                    host=self.host, port=self.port, user=self.user, dbname="postgres"
                ).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def create_database(self, dbname: str) -> str:
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)

    def drop_database(self, dbname: str) -> None:
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(port: int) -> PostgresCluster:
    """initdb + start a cluster in a fresh temporary directory owned by ``postgres``."""
    root = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
    datadir = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
    subprocess.run(
        _as_postgres(
            [
                _bin("initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    cluster = PostgresCluster("127.0.0.1", port, "postgres", datadir, root)
    cluster.start()
    return cluster


@dataclass
class RedisServer:
    """A ``redis-server`` without persistence, owned by whoever started it."""

    port: int
    root: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    def start(self) -> None:
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(executable).exists():
            raise RuntimeError("redis-server not found: install Debian's `redis-server` package")
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=(self.root / "redis.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_redis(port: int) -> RedisServer:
    server = RedisServer(port, Path(tempfile.mkdtemp(prefix="hotline-redis-")))
    server.start()
    return server
