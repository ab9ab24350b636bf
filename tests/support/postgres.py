"""A throwaway PostgreSQL cluster for the tests, started by the test run itself.

PostgreSQL refuses to run as root, and CI runs as root: the cluster is created and
started as the ``postgres`` user (``runuser``) with trust authentication, listening on a
private port on 127.0.0.1; clients connect over TCP.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

__all__ = ["PostgresCluster", "start_cluster"]


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
