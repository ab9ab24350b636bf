"""Fixtures shared by every test layer.

Integration tests use real servers the test run starts itself: a PostgreSQL cluster
(``pg_cluster``) and Redis (pytest-redis's ``redis_proc``). Nothing is mocked there.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator

import pytest
from pytest_redis import factories

from tests.support.ports import free_port
from tests.support.postgres import PostgresCluster, start_cluster

redis_proc = factories.redis_proc(executable=shutil.which("redis-server") or "redis-server")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    cluster = start_cluster(free_port())
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture
def redis_url(redis_proc) -> str:  # type: ignore[no-untyped-def]
    return f"redis://{redis_proc.host}:{redis_proc.port}/0"
