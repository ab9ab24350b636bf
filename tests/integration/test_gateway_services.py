"""The gateway against real PostgreSQL and Redis: health, idempotency, outage reporting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from bot.gateway.app import create_app
from bot.settings import Settings
from bot.store.migrate import upgrade

pytestmark = pytest.mark.integration


class CountingEngine:
    def __init__(self) -> None:
        self.messages = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            self.messages += 1
            return httpx.Response(
                200, json=[{"recipient_id": "x", "text": f"第{self.messages}次回答"}]
            )
        if request.url.path.endswith("/tracker"):
            return httpx.Response(
                200, json={"latest_message": {"intent": {"name": "greet", "confidence": 1.0}}}
            )
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "m.tar.gz"})
        return httpx.Response(404)


@pytest.fixture
def engine() -> CountingEngine:
    return CountingEngine()


@pytest.fixture
def client(
    pg_url: str, redis_url: str, tmp_path: Path, engine: CountingEngine
) -> Iterator[TestClient]:
    upgrade(pg_url)
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path,
        database_url=pg_url,
        redis_url=redis_url,
        action_server_url="http://127.0.0.1:9/webhook",
    )
    app = create_app(settings, engine_transport=httpx.MockTransport(engine.handler))
    with TestClient(app) as test_client:
        yield test_client


def test_health_sees_real_postgres_and_redis(client: TestClient) -> None:
    deps = client.get("/health").json()["dependencies"]
    assert deps["database"] == {**deps["database"], "status": "up", "detail": "postgresql"}
    assert deps["redis"] == {**deps["redis"], "status": "up", "detail": "redis"}


def test_a_retried_message_is_answered_once_through_real_redis(
    client: TestClient, engine: CountingEngine, redis_url: str
) -> None:
    message = {"channel": "wechat", "user_id": "openid-1", "text": "你好", "message_id": "m-1"}
    first = client.post("/api/v1/messages", json=message).json()
    second = client.post("/api/v1/messages", json=message).json()
    assert engine.messages == 1
    assert first == second
    stored = redis.Redis.from_url(redis_url).get("turn:wechat:openid-1:m-1")
    assert stored is not None and "第1次回答" in stored.decode()


def test_health_reports_redis_down_when_it_stops(client: TestClient, redis_proc) -> None:  # type: ignore[no-untyped-def]
    redis_proc.stop()
    try:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["dependencies"]["redis"]["status"] == "down"
        # The conversation still works without the idempotency cache.
        reply = client.post(
            "/api/v1/messages", json={"user_id": "u", "text": "你好", "message_id": "m-9"}
        )
        assert reply.status_code == 200
    finally:
        redis_proc.start()


def test_health_reports_the_database_down_when_postgres_stops(
    client: TestClient, pg_cluster
) -> None:  # type: ignore[no-untyped-def]
    pg_cluster.stop()
    try:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["dependencies"]["database"]["status"] == "down"
    finally:
        pg_cluster.start()
