"""``hotline engine train|run|config`` and ``hotline actions``: the dialogue engine's processes."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bot.cli.output import fail
from bot.engine.config import write_engine_config
from bot.engine.model import ENGINE_VENV, EngineSetupError, engine_environment, ensure_model
from bot.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="Rasa 引擎：训练模型、启动引擎。", no_args_is_help=True)

__all__ = ["actions", "app"]


@app.command()
def train(
    force: Annotated[bool, typer.Option(help="即使输入没有变化也重新训练")] = False,
) -> None:
    """Train the model when its inputs (domain, data, config) changed; reuse it otherwise."""
    settings = get_settings()
    try:
        path, trained = ensure_model(settings.model_dir, force=force)
    except EngineSetupError as error:
        fail(str(error))
    typer.echo(("已训练模型：" if trained else "模型已是最新，无需重新训练：") + str(path))


@app.command()
def config() -> None:
    """Write var/endpoints.yml and var/credentials.yml from the settings."""
    endpoints, credentials = write_engine_config(get_settings())
    typer.echo(f"{endpoints}\n{credentials}")


@app.command()
def run() -> None:
    """Start the Rasa engine (REST channel + HTTP API) with the current model."""
    settings = get_settings()
    try:
        model, _ = ensure_model(settings.model_dir)
    except EngineSetupError as error:
        fail(str(error))
    endpoints, credentials = write_engine_config(settings)
    python = ENGINE_VENV / "bin" / "python"
    host = settings.rasa_url.split("://", 1)[-1].split(":", 1)[0]
    argv = [
        str(python),
        str(PROJECT_ROOT / "bot" / "engine" / "launcher.py"),
        "run",
        "--enable-api",
        "--auth-token",
        settings.dev_secret("rasa_token"),
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
        "--interface",
        host,
        "--port",
        str(settings.rasa_port),
        "--log-file",
        str(settings.var_dir / "rasa.log"),
    ]
    env = engine_environment()
    if settings.engine_workers > 1 and not settings.redis_url:
        fail(
            "ENGINE_WORKERS 大于 1 需要 REDIS_URL："
            "多个引擎进程靠 Redis 锁保证同一对话不会被同时处理。"
        )
    # Rasa's own scale-out: Sanic forks this many workers after the imports, so they share
    # most of their memory; Rasa accepts more than one only with the Redis lock store.
    env["SANIC_WORKERS"] = str(settings.engine_workers)
    env["HOTLINE_ENGINE_NICE"] = str(settings.engine_nice)
    # exec: Ctrl-C / SIGTERM from the process runner reach Rasa itself.
    os.execve(str(python), argv, env)


def actions(
    port: Annotated[int | None, typer.Option(help="端口，默认 5055")] = None,
) -> None:
    """Start the rasa-sdk action server with the project's actions (flows.actions)."""
    from flows.server import run_action_server

    settings = get_settings()
    endpoints, _ = write_engine_config(settings)
    run_action_server(
        host=settings.action_server_host,
        port=port or settings.action_server_port,
        endpoints=str(endpoints),
    )
