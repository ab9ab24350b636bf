"""The gateway application factory (``hotline serve`` runs it with uvicorn)."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.channels.setup import channel_routers, start_channels
from bot.console import views as console_views
from bot.conversation import ConversationService
from bot.engine.client import EngineClient
from bot.gateway import api
from bot.gateway.headers import SecurityHeaders
from bot.gateway.health import check_all
from bot.gateway.limits import BodySizeLimit, console_rate_limit
from bot.redis_client import make_redis
from bot.settings import SERVING_ENV, Settings, get_settings
from bot.staff.calendar_file import public_router as appointment_calendar_router
from bot.staff.routes import router as staff_router
from bot.store.db import engine_for

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, engine_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """Build the gateway. Connections are opened in the lifespan, not at import time.

    ``engine_transport`` lets unit tests stand in for the engine with httpx.MockTransport;
    everything else (routing, idempotency, health) runs for real.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        http = httpx.AsyncClient(timeout=httpx.Timeout(settings.engine_timeout_s, connect=1.0))
        engine = EngineClient(
            settings.rasa_url,
            token=settings.dev_secret("rasa_token"),
            timeout_s=settings.engine_timeout_s,
            client=httpx.AsyncClient(transport=engine_transport) if engine_transport else None,
        )
        redis_client = make_redis(settings.redis_url)
        app.state.settings = settings
        app.state.http = http
        app.state.engine = engine
        app.state.redis = redis_client
        app.state.database = engine_for(settings.effective_database_url)
        app.state.conversations = ConversationService(engine, redis_client)
        app.state.channels = start_channels(
            settings, redis_client, engine_transport=engine_transport
        )
        if os.environ.get(SERVING_ENV) == "1":
            # Everything alive now lives as long as the server: keep the collector off it,
            # so full collections stay short (they pause every request in flight). Only
            # under `hotline serve`: a test process builds many apps and must free them.
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await app.state.channels.aclose()
            await engine.aclose()
            await http.aclose()
            await redis_client.aclose()

    app = FastAPI(
        title="三期女职工维权助手 网关",
        version="0.1.0",
        description="Channels, consoles and APIs of the labour-rights hotline assistant.",
        lifespan=lifespan,
    )
    app.add_exception_handler(RequestValidationError, api.validation_error_handler)
    app.include_router(api.router)
    for router in channel_routers():
        app.include_router(router)
    app.include_router(console_views.router, dependencies=[Depends(console_rate_limit)])
    app.include_router(staff_router)
    app.include_router(appointment_calendar_router)
    app.add_middleware(BodySizeLimit, default_bytes=settings.max_body_bytes)
    # Added last, so it wraps every other middleware: their answers get the headers too.
    app.add_middleware(SecurityHeaders, hsts=settings.hotline_env == "production")

    @app.get("/health", tags=["ops"])
    async def health(request: Request) -> JSONResponse:
        """Liveness plus each dependency's state and latency; 503 when any is down."""
        state = request.app.state
        results = await check_all(
            engine=state.engine,
            action_server_url=state.settings.action_server_url,
            http=state.http,
            database=state.database,
            redis_client=state.redis,
            redis_kind="redis" if state.settings.redis_url else "in-process stand-in",
        )
        body: dict[str, Any] = {
            "status": "ok" if all(r.up for r in results) else "degraded",
            "dependencies": {r.name: r.to_dict() for r in results},
        }
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    return app
