"""The booking rules every station follows: horizon, minimum notice, cut-off.

Why each exists: the horizon keeps slots to weeks staff have actually planned; the
minimum notice gives the station time to prepare the case; the cut-off protects the
lawyer's day — after it a worker cannot move or cancel online and is told whom to call,
so a seat freed at the last minute is handled by a person who can offer it to someone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.booking.errors import ChangeNotAllowed, SlotNotBookable

__all__ = ["CHINA_TZ", "BookingPolicy"]

CHINA_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class BookingPolicy:
    horizon_days: int = 28
    min_notice_hours: float = 2.0
    cutoff_hours: float = 24.0
    default_buffer_minutes: int = 10
    retention_days: int = 180

    def bookable_window(self, now: datetime) -> tuple[datetime, datetime]:
        """Earliest and latest start a worker may book at ``now``."""
        earliest = now + timedelta(hours=self.min_notice_hours)
        local_today = now.astimezone(CHINA_TZ).date()
        latest_day = local_today + timedelta(days=self.horizon_days + 1)
        latest = datetime(latest_day.year, latest_day.month, latest_day.day, tzinfo=CHINA_TZ)
        return earliest, latest

    def check_bookable(self, starts_at: datetime, now: datetime) -> None:
        """Raise ``SlotNotBookable`` unless a slot starting at ``starts_at`` may be booked."""
        earliest, latest = self.bookable_window(now)
        if starts_at < earliest:
            raise SlotNotBookable("这个时间太近了，工作站来不及准备。请选一个更晚的时间。")
        if starts_at >= latest:
            raise SlotNotBookable(
                f"目前只能预约{self.horizon_days}天以内的时间。请选一个更近的时间。"
            )

    def change_deadline(self, starts_at: datetime) -> datetime:
        """Until when the worker may move or cancel the booking herself."""
        return starts_at - timedelta(hours=self.cutoff_hours)

    def check_changeable(
        self, starts_at: datetime, now: datetime, station_phone: str | None
    ) -> None:
        """Raise ``ChangeNotAllowed`` (saying whom to call) once the cut-off has passed."""
        if now < self.change_deadline(starts_at):
            return
        who = f"工作站电话 {station_phone}" if station_phone else "工作站"
        raise ChangeNotAllowed(
            f"离预约时间已不到{self.cutoff_hours:g}小时，网上不能再改约或取消。"
            f"如需改约或取消，请直接致电{who}；也可以拨打12351（工会）或12338（妇联）请他们帮忙联系。"
        )
