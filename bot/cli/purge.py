"""``hotline purge``: erase personal data past its retention period (run it once a day)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import redis.exceptions
import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.booking.errors import BookingError
from bot.booking.policy import CHINA_TZ
from bot.cli.output import EXIT_UNAVAILABLE, fail, print_json
from bot.privacy.service import purge as run_purge
from bot.settings import get_settings

__all__ = ["purge"]


def _now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"时间格式不对：{value}。请用 ISO 格式，例如 2026-12-08T03:00+08:00。")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA_TZ)


def purge(
    now: Annotated[str | None, typer.Option(help="当作现在的时间（测试用），ISO 格式")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """删除超过保留期的个人信息：过期对话记录、预约中的姓名和手机号、Redis 中的消息。

    \f
    Conversations are deleted CONVERSATION_RETENTION_DAYS after their last message,
    appointments' name, phone and notes BOOKING_RETENTION_DAYS after the appointment.
    """
    try:
        report = run_purge(get_settings(), now=_now(now))
    except BookingError as error:
        fail(str(error), EXIT_UNAVAILABLE)
    except SQLAlchemyError as error:
        fail(
            f"对话记录库暂时无法访问（{type(error).__name__}），本次没有删完；请稍后重试。",
            EXIT_UNAVAILABLE,
        )
    except (redis.exceptions.RedisError, OSError) as error:
        fail(
            f"Redis 暂时无法访问（{type(error).__name__}）：对话记录和预约已清理，"
            "Redis 中的消息下次再清理。",
            EXIT_UNAVAILABLE,
        )
    if json_output:
        print_json(report.as_dict())
        return
    for line in report.lines():
        typer.echo(line)
