"""The gateway's JSON API and /health, with the engine stood in by httpx.MockTransport."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.gateway.app import create_app
from bot.settings import Settings


def engine_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/webhooks/rest/webhook":
        return httpx.Response(
            200,
            json=[
                {"recipient_id": "x", "custom": {"text": "答复", "citations": ["《某法》第一条"]}}
            ],
        )
    if request.url.path.endswith("/tracker"):
        return httpx.Response(
            200,
            json={
                "latest_message": {"intent": {"name": "greet", "confidence": 0.9}, "entities": []}
            },
        )
    if request.url.path == "/status":
        return httpx.Response(200, json={"model_file": "hotline-test.tar.gz"})
    return httpx.Response(404)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        var_dir=tmp_path,
        hotline_env="test",
        action_server_url="http://127.0.0.1:9/webhook",  # nothing listens on the discard port
    )


@pytest.fixture
def client(settings: Settings) -> TestClient:
    app = create_app(settings, engine_transport=httpx.MockTransport(engine_handler))
    with TestClient(app) as test_client:
        yield test_client


def test_message_returns_the_contract_shape(client: TestClient) -> None:
    response = client.post(
        "/api/v1/messages", json={"channel": "cli", "user_id": "u", "text": "你好"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["intent"] == "greet"
    assert body["replies"] == [{"text": "答复", "citations": ["《某法》第一条"], "buttons": []}]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"user_id": "u", "text": ""}, id="empty-text"),
        pytest.param({"user_id": "u", "text": "长" * 2001}, id="oversized-text"),
        pytest.param({"user_id": "", "text": "你好"}, id="empty-user"),
        pytest.param({"channel": "Bad Channel", "user_id": "u", "text": "你好"}, id="bad-channel"),
    ],
)
def test_bad_messages_are_refused_with_422(client: TestClient, payload: dict[str, str]) -> None:
    assert client.post("/api/v1/messages", json=payload).status_code == 422


def test_health_reports_each_dependency(client: TestClient) -> None:
    response = client.get("/health")
    body = response.json()
    assert set(body["dependencies"]) == {"engine", "action_server", "database", "redis"}
    assert body["dependencies"]["engine"]["status"] == "up"
    assert body["dependencies"]["database"]["status"] == "up"
    assert body["dependencies"]["redis"]["status"] == "up"
    assert body["dependencies"]["action_server"]["status"] == "down"
    assert response.status_code == 503 and body["status"] == "degraded"
    assert all(d["latency_ms"] >= 0 for d in body["dependencies"].values())


def test_openapi_document_is_served(client: TestClient) -> None:
    assert "/api/v1/messages" in client.get("/openapi.json").json()["paths"]
