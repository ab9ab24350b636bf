"""``hotline appointments …``: list, remind, calendar file, erase expired personal data."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.booking import records, service
from bot.booking.errors import BookingError
from bot.booking.ics import appointment_ics
from bot.booking.links import calendar_path
from bot.booking.notify import MemoryNotifier, NotifierRegistry
from bot.booking.policy import CHINA_TZ
from bot.booking.reminders import send_due_reminders
from bot.booking.runtime import booking_runtime
from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.settings import Settings, get_settings
from bot.store.db import session_scope

__all__ = ["app"]

app = typer.Typer(help="预约：列出、提醒、日历文件、到期删除个人信息。", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="输出 JSON")]
CHANNEL_NOTIFIERS = "bot.channels.notifiers"  # provides build_notifiers(settings)


def _now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"时间格式不对：{value}。请用 ISO 格式，例如 2026-12-08T18:00+08:00。")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA_TZ)


def _appointment_json(appointment: Any, cipher: Any) -> dict[str, Any]:
    return {
        "id": appointment.id,
        "code": appointment.code,
        "station_id": appointment.station_id,
        "station": appointment.station.name,
        "service": appointment.service.value,
        "starts_at": appointment.slot.starts_at.astimezone(CHINA_TZ).isoformat(),
        "ends_at": appointment.slot.ends_at.astimezone(CHINA_TZ).isoformat(),
        "status": appointment.status.value,
        "person_name": appointment.person_name,
        "phone_masked": records.masked_phone(appointment, cipher),
        "question_class": appointment.question_class,
        "channel": appointment.channel,
        "created_at": appointment.created_at.astimezone(CHINA_TZ).isoformat(),
    }


@app.command("list")
def list_command(
    station: Annotated[int | None, typer.Option("--station", help="工作站编号")] = None,
    on_date: Annotated[
        str | None, typer.Option("--date", help="日期 YYYY-MM-DD（中国时间）；不填则列出今天起的")
    ] = None,
    include_cancelled: Annotated[
        bool, typer.Option("--include-cancelled", help="也列出已取消的")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Booked appointments (not cancelled), by start time; phones masked."""
    if on_date:
        try:
            day = date.fromisoformat(on_date)
        except ValueError:
            fail(f"日期格式不对：{on_date}。请用 YYYY-MM-DD。")
        start = datetime.combine(day, datetime.min.time(), tzinfo=CHINA_TZ)
        end: datetime | None = start + timedelta(days=1)
    else:
        today = datetime.now(CHINA_TZ).date()
        start, end = datetime.combine(today, datetime.min.time(), tzinfo=CHINA_TZ), None
    runtime = booking_runtime(get_settings())
    try:
        with service.guard_database(), session_scope(runtime.engine) as session:
            rows = [
                _appointment_json(a, runtime.cipher)
                for a in records.list_appointments(
                    session=session,
                    station_id=station,
                    start=start,
                    end=end,
                    include_cancelled=include_cancelled,
                )
            ]
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE)
    if json_output:
        print_json(rows)
        return
    if not rows:
        typer.echo("没有预约。")
    for row in rows:
        typer.echo(
            f"{row['starts_at'][:16].replace('T', ' ')}  {row['code']}  {row['person_name']}  "
            f"{row['phone_masked']}  {row['station']}  {row['status']}"
        )


def notifier_registry(settings: Settings, *, dry_run: bool) -> NotifierRegistry:
    """The channels' notifiers (``bot.channels.notifiers.build_notifiers``), or memory ones."""
    if dry_run:
        memory = MemoryNotifier()
        return NotifierRegistry(
            {name: memory for name in ("wechat", "telegram", "web", "api", "cli", "console")}
        )
    registry = NotifierRegistry()
    if importlib.util.find_spec(CHANNEL_NOTIFIERS) is not None:
        module = importlib.import_module(CHANNEL_NOTIFIERS)
        for channel, notifier in module.build_notifiers(settings).items():
            registry.register(channel, notifier)
    return registry


@app.command()
def remind(
    now: Annotated[str | None, typer.Option(help="当作现在的时间（测试用），ISO 格式")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="不真的发送，只列出")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Send tomorrow's reminders through each worker's own channel (run it once a day)."""
    settings = get_settings()
    runtime = booking_runtime(settings)
    registry = notifier_registry(settings, dry_run=dry_run)
    secret = settings.dev_secret("secret_key")

    def calendar_link(code: str) -> str:
        return runtime.public_url + calendar_path(secret, code)

    try:
        with service.guard_database():
            results = asyncio.run(
                send_due_reminders(
                    engine=runtime.engine,
                    registry=registry,
                    now=_now(now),
                    link_for=calendar_link,
                    record=not dry_run,
                )
            )
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE)
    body = {
        "due": len(results),
        "sent": sum(1 for r in results if r.delivered),
        "dry_run": dry_run,
        "results": [
            {"code": r.code, "channel": r.channel, "delivered": r.delivered, "detail": r.detail}
            for r in results
        ],
    }
    if json_output:
        print_json(body)
        return
    typer.echo(f"明天的预约 {body['due']} 个，已提醒 {body['sent']} 个。")
    for r in results:
        if not r.delivered:
            typer.echo(f"  未送达：{r.code}（{r.channel}：{r.detail}）")


@app.command()
def ics(
    code: Annotated[str, typer.Argument(help="预约码")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件")] = None,
) -> None:
    """The appointment's .ics calendar file (to stdout, or to --output)."""
    runtime = booking_runtime(get_settings())
    try:
        with service.guard_database(), session_scope(runtime.engine) as session:
            appointment = service.find_by_code(session=session, code=code)
            if appointment is None:
                fail(f"没有预约码为 {code} 的预约。")
            body = appointment_ics(service.view_of(appointment))
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE)
    if output:
        output.write_bytes(body)
        typer.echo(f"已写入 {output}")
    else:
        typer.echo(body.decode("utf-8"), nl=False)


@app.command()
def purge(
    now: Annotated[str | None, typer.Option(help="当作现在的时间（测试用），ISO 格式")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Erase name, phone and notes of appointments past the retention period."""
    runtime = booking_runtime(get_settings())
    try:
        with service.guard_database(), session_scope(runtime.engine) as session:
            erased = records.erase_expired(session=session, now=_now(now), policy=runtime.policy)
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE)
    if json_output:
        print_json({"erased": erased, "retention_days": runtime.policy.retention_days})
    else:
        typer.echo(f"已删除 {erased} 个过期预约的姓名和手机号。")
