"""``hotline db upgrade``: migrate the configured database."""

from __future__ import annotations

import typer

from bot.settings import get_settings
from bot.store.migrate import upgrade as run_upgrade

app = typer.Typer(help="数据库：迁移到最新结构。", no_args_is_help=True)

__all__ = ["app"]


@app.command()
def upgrade() -> None:
    """Apply every Alembic migration not yet applied (SQLite under var/ by default)."""
    settings = get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    run_upgrade(settings.effective_database_url)
    typer.echo("数据库已是最新结构。")
