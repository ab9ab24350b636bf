"""The ``hotline`` entry point: registers every command group."""

from __future__ import annotations

import logging

import typer

from bot.cli import (
    appointments,
    bench_booking,
    bench_chat,
    channels,
    console,
    converse,
    db,
    engine,
    knowledge,
    nlu,
    purge,
    rights,
    serve,
    staff,
    stations,
)
from bot.settings import get_settings

__all__ = ["app", "main"]

app = typer.Typer(
    help="三期女职工维权助手 / labour-rights hotline assistant",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(converse.ask)
app.command()(converse.chat)
app.command()(serve.serve)
app.command()(engine.actions)
app.command()(purge.purge)
app.add_typer(engine.app, name="engine")
app.add_typer(nlu.app, name="nlu")
app.add_typer(db.app, name="db")
app.add_typer(knowledge.app, name="knowledge")
app.add_typer(channels.wechat_app, name="wechat")
app.add_typer(channels.telegram_app, name="telegram")
app.add_typer(console.app, name="console")
app.add_typer(rights.app, name="rights", help="权益计算：产假、哺乳、保护期、津贴、时效、补偿。")
app.add_typer(appointments.app, name="appointments")
app.add_typer(stations.app, name="stations")
app.add_typer(staff.app, name="staff")
# Benchmarks: one group, one command per subject (`bench booking`, `bench chat`, …).
bench_app = typer.Typer(help="基准测试。", no_args_is_help=True)
bench_app.command("booking")(bench_booking.booking)
bench_app.command("chat")(bench_chat.chat)
app.add_typer(bench_app, name="bench")


def main() -> None:
    logging.basicConfig(
        level=get_settings().log_level, format="%(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO; URLs can carry the engine token and user ids.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    app()
