"""Liveness and the state of each dependency, for ``GET /health``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import redis.asyncio as aioredis
from sqlalchemy import Engine

from bot.engine.client import EngineClient
from bot.store.db import ping

__all__ = ["DependencyState", "check_all"]

CHECK_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class DependencyState:
    name: str
    up: bool
    latency_ms: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "up" if self.up else "down",
            "latency_ms": round(self.latency_ms, 1),
            "detail": self.detail,
        }


async def _timed(name: str, probe: Callable[[], Awaitable[str]]) -> DependencyState:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(probe(), timeout=CHECK_TIMEOUT_S)
        up = True
    except Exception as error:  # any failure of a probe means "down", with its kind
        detail, up = f"{type(error).__name__}: {error}"[:200], False
    return DependencyState(name, up, (time.perf_counter() - started) * 1000, detail)


async def check_all(
    *,
    engine: EngineClient,
    action_server_url: str,
    http: httpx.AsyncClient,
    database: Engine,
    redis_client: aioredis.Redis,
    redis_kind: str,
) -> list[DependencyState]:
    """Probe the engine, action server, database and Redis concurrently."""

    async def engine_probe() -> str:
        status = await engine.status()
        return str(status.get("model_file", "model loaded"))

    async def actions_probe() -> str:
        health_url = action_server_url.rsplit("/webhook", 1)[0] + "/health"
        response = await http.get(health_url, timeout=CHECK_TIMEOUT_S)
        response.raise_for_status()
        return "ok"

    async def database_probe() -> str:
        await asyncio.to_thread(ping, database)
        return database.dialect.name

    async def redis_probe() -> str:
        await redis_client.ping()
        return redis_kind

    return list(
        await asyncio.gather(
            _timed("engine", engine_probe),
            _timed("action_server", actions_probe),
            _timed("database", database_probe),
            _timed("redis", redis_probe),
        )
    )
