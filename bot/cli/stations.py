"""``hotline stations …``: import stations (CSV or YAML) and list them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.booking import service, station_registry
from bot.booking.errors import BookingError
from bot.booking.runtime import booking_runtime
from bot.booking.stations_file import read_stations_file
from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.settings import get_settings
from bot.store.db import session_scope

__all__ = ["app"]

app = typer.Typer(help="维权工作站：导入（CSV 或 YAML）和列出。", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="输出 JSON")]


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="工作站文件：.yaml/.yml 或 .csv")],
    json_output: JsonFlag = False,
) -> None:
    """Create or update the stations in FILE (matched by code), with their schedules."""
    try:
        parsed = read_stations_file(file)
        runtime = booking_runtime(get_settings())
        with service.guard_database(), session_scope(runtime.engine) as session:
            summary = station_registry.import_stations(session=session, specs=parsed.stations)
            ids = {s.code: s.id for s in station_registry.list_stations(session=session)}
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE if "连不上" in str(error) else 2)
    result = {
        "created": summary.created,
        "updated": summary.updated,
        "demo": parsed.demo,
        "stations": [{"code": code, "id": ids[code]} for code in summary.codes],
    }
    if json_output:
        print_json(result)
        return
    typer.echo(f"导入完成：新建 {summary.created} 个，更新 {summary.updated} 个工作站。")
    if parsed.demo:
        typer.echo("注意：这是演示数据（名称带“演示”，地址不是真实地址）。")


@app.command("list")
def list_command(json_output: JsonFlag = False) -> None:
    """Every station with its id, city and services."""
    runtime = booking_runtime(get_settings())
    try:
        with service.guard_database(), session_scope(runtime.engine) as session:
            rows = [
                {
                    "id": s.id,
                    "code": s.code,
                    "name": s.name,
                    "province": s.province,
                    "city": s.city,
                    "address": s.address,
                    "phone": s.phone,
                    "services": list(s.services or []),
                    "is_demo": s.is_demo,
                }
                for s in station_registry.list_stations(session=session)
            ]
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE)
    if json_output:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:>3}  {row['city']}  {row['name']}  ({', '.join(row['services'])})")
