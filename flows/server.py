"""Run the rasa-sdk action server with this package's actions (``hotline actions``)."""

from __future__ import annotations

import os

from rasa_sdk.endpoint import run
from rasa_sdk.executor import ActionExecutor

__all__ = ["run_action_server"]


def run_action_server(*, host: str, port: int, endpoints: str) -> None:
    """Serve every action in ``flows.actions`` until the process is stopped."""
    executor = ActionExecutor()
    executor.register_package("flows.actions")
    # rasa-sdk reads its bind address from SANIC_HOST (default 0.0.0.0): keep it on loopback
    # unless told otherwise (Docker sets 0.0.0.0).
    os.environ.setdefault("SANIC_HOST", host)
    run(executor, port=port, endpoints=endpoints)
