"""``hotline serve``: the gateway (channels, consoles, APIs) under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from bot.settings import SERVING_ENV, get_settings

__all__ = ["serve"]


def serve(
    host: Annotated[str | None, typer.Option(help="监听地址，默认 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="端口，默认 8000")] = None,
    workers: Annotated[int, typer.Option(help="进程数")] = 1,
) -> None:
    """Start the gateway."""
    settings = get_settings()
    os.environ[SERVING_ENV] = "1"  # read by the app in each worker process
    uvicorn.run(
        "bot.gateway.app:create_app",
        factory=True,
        host=host or settings.gateway_host,
        port=port or settings.gateway_port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,  # access logs would carry user ids in paths
    )
