"""``hotline bench booking``: booking latency under concurrent clients, on the real database.

Each client is a thread with its own connection, booking as a worker would (one
transaction per booking: check, take a seat, insert, commit) into a handful of slots so
that seats run out and refusals are part of the load. A temporary demo station holds the
slots; it and its appointments are deleted afterwards.
"""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from sqlalchemy import create_engine, delete

from bot.bench.stats import percentile
from bot.booking import service
from bot.booking.crypto import PhoneCipher
from bot.booking.errors import SlotFull
from bot.booking.policy import CHINA_TZ, BookingPolicy
from bot.cli.output import fail, print_json
from bot.settings import get_settings
from bot.store.db import make_engine, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment, AppointmentSlot, Service, Station

__all__ = ["booking"]

SLOTS = 5
NAMES = "甲乙丙丁戊己庚辛壬癸"


def booking(
    clients: Annotated[int, typer.Option(help="并发客户端数")] = 50,
    rounds: Annotated[int, typer.Option(help="每个客户端预约的次数")] = 10,
    database_url: Annotated[str | None, typer.Option(help="数据库 URL；默认 DATABASE_URL")] = None,
    allow_sqlite: Annotated[bool, typer.Option("--allow-sqlite", help="也允许 SQLite")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Booking latency p50/p95/p99 with CLIENTS concurrent clients (PostgreSQL by default)."""
    settings = get_settings()
    url = database_url or settings.database_url
    if not url:
        fail("请设置 DATABASE_URL（PostgreSQL）或用 --database-url 指定要测试的数据库。")
    if url.startswith("sqlite") and not allow_sqlite:
        fail("基准测试针对 PostgreSQL；要测 SQLite 请加 --allow-sqlite。")
    if clients < 1 or rounds < 1:
        fail("--clients 和 --rounds 至少为 1。")
    upgrade(url)
    engine = (
        make_engine(url)
        if url.startswith("sqlite")
        else create_engine(url, pool_size=clients + 2, max_overflow=0, pool_pre_ping=True)
    )
    policy = BookingPolicy(min_notice_hours=0, horizon_days=30)
    cipher = PhoneCipher(settings.dev_secret("phone_encryption_key"))
    now = datetime.now(UTC)
    capacity = max(1, int(clients * rounds * 0.9 / SLOTS))
    code = f"bench-{secrets.token_hex(4)}"
    with session_scope(engine) as session:
        station = Station(
            code=code,
            name="演示·基准测试工作站",
            province="山东省",
            city="济南市",
            address="演示地址",
            services=[Service.reception_day.value],
            is_demo=True,
        )
        session.add(station)
        session.flush()
        first = now.astimezone(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
        slot_ids = []
        for index in range(SLOTS):
            slot = AppointmentSlot(
                station_id=station.id,
                service=Service.reception_day,
                starts_at=first + timedelta(days=1, hours=index),
                ends_at=first + timedelta(days=1, hours=index, minutes=30),
                capacity=capacity,
            )
            session.add(slot)
            session.flush()
            slot_ids.append(slot.id)
        station_id = station.id
    barrier = threading.Barrier(clients)

    def client(number: int) -> list[tuple[float, str]]:
        barrier.wait()
        timings: list[tuple[float, str]] = []
        for turn in range(rounds):
            request = service.BookingRequest(
                slot_id=slot_ids[(number + turn) % SLOTS],
                person_name="测试" + NAMES[number % 10],
                phone=f"139{number:04d}{turn:04d}",
                channel="bench",
                channel_user_id=f"{code}-{number}-{turn}",
                idempotency_key=f"{code}:{number}:{turn}",
            )
            started = time.perf_counter()
            try:
                with service.guard_database(), session_scope(engine) as session:
                    service.book(
                        session=session, request=request, now=now, policy=policy, cipher=cipher
                    )
                outcome = "booked"
            except SlotFull:
                outcome = "full"
            except Exception as error:  # counted and reported; the run goes on
                outcome = f"error:{type(error).__name__}"
            timings.append(((time.perf_counter() - started) * 1000, outcome))
        return timings

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        timings = [t for result in pool.map(client, range(clients)) for t in result]
    duration = time.perf_counter() - started
    with session_scope(engine) as session:
        session.execute(delete(Appointment).where(Appointment.station_id == station_id))
        session.execute(delete(AppointmentSlot).where(AppointmentSlot.station_id == station_id))
        session.execute(delete(Station).where(Station.id == station_id))
    engine.dispose()
    latencies = [ms for ms, _ in timings]
    outcomes = [o for _, o in timings]
    body: dict[str, Any] = {
        "database": engine.dialect.name,
        "clients": clients,
        "requests": len(timings),
        "booked": outcomes.count("booked"),
        "refused_full": outcomes.count("full"),
        "errors": sum(1 for o in outcomes if o.startswith("error")),
        "seats": capacity * SLOTS,
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "bookings_per_s": round(len(timings) / duration, 1),
        "duration_s": round(duration, 2),
    }
    if json_output:
        print_json(body)
        return
    typer.echo(
        f"{body['database']}，{clients} 个并发客户端，{body['requests']} 次预约："
        f"p50 {body['p50_ms']} ms，p99 {body['p99_ms']} ms，每秒 {body['bookings_per_s']} 次；"
        f"成功 {body['booked']}，约满 {body['refused_full']}，错误 {body['errors']}。"
    )
