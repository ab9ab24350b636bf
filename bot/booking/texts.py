"""What the worker reads about her booking: one place for every booking text.

Kept apart from the Rasa actions so that the chat, the reminders, the ``.ics`` file and
the CLI say exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.booking.policy import CHINA_TZ

__all__ = [
    "CONSENT_TEXT",
    "HOTLINES",
    "OUTAGE_TEXT",
    "SERVICE_NAMES",
    "WHAT_TO_BRING",
    "WHY_NAME",
    "WHY_PHONE",
    "AppointmentView",
    "confirmation_text",
    "format_when",
    "reminder_text",
    "summary_text",
]

SERVICE_NAMES = {
    "reception_day": "女职工劳动人事争议维权接待日",
    "legal_aid": "法律援助咨询",
}
SERVICE_SHORT = {"reception_day": "维权接待日", "legal_aid": "法律援助"}

HOTLINES = "12333（人社劳动保障）、12338（妇联妇女维权）、12351（工会职工维权）、12348（法律援助）"
OUTAGE_TEXT = (
    "抱歉，预约系统暂时连不上，这次预约没有保存，也没有扣除任何名额。请过几分钟再试；"
    f"着急的话可以直接拨打 {HOTLINES}，说明您想预约维权接待日或法律援助。"
)
WHAT_TO_BRING = (
    "身份证；劳动合同（或工牌、工资流水等能证明劳动关系的材料）；最近的工资条或银行流水；"
    "辞退通知、调岗或降薪通知（如有）；怀孕证明、孕检记录或出生证明；"
    "与单位沟通的聊天记录、录音、邮件（截图或原件）。"
)
CONSENT_TEXT = (
    "预约前请您了解：为了让工作站接待您，我们会记录您的姓名、手机号、预约时间，"
    "以及您咨询的问题类别和一句话情况简介（可能涉及怀孕、生育等敏感信息），"
    "只提供给您预约的工作站，用于接待和必要时联系您，不作其他用途。"
    "手机号加密保存；预约结束后{days}天内删除姓名和手机号。您同意吗？"
)
WHY_NAME = "请告诉我您的姓名（工作站前台按姓名核对预约；只写姓也可以，例如：王女士）。"
WHY_PHONE = (
    "请留一个手机号（工作站在时间有变动时联系您，也方便您以后用手机号查询预约）。"
    "号码会加密保存，列表里只显示前三位和后四位。"
)


@dataclass(frozen=True)
class AppointmentView:
    """An appointment as the worker is told about it (no phone number in clear)."""

    code: str
    service: str
    starts_at: datetime
    ends_at: datetime
    station_name: str
    address: str
    station_phone: str | None
    person_name: str
    phone_masked: str
    status: str
    opening_notes: str | None = None


_WEEKDAYS = "一二三四五六日"


def format_when(starts_at: datetime, ends_at: datetime | None = None) -> str:
    """``12月3日（周三）9:00–9:30`` in China time."""
    local = starts_at.astimezone(CHINA_TZ)
    text = f"{local.month}月{local.day}日（周{_WEEKDAYS[local.weekday()]}）{local:%H:%M}"
    if ends_at is not None:
        text += f"–{ends_at.astimezone(CHINA_TZ):%H:%M}"
    return text


def summary_text(view: AppointmentView) -> str:
    """The summary she confirms before booking."""
    return (
        f"请核对预约信息：\n项目：{SERVICE_NAMES.get(view.service, view.service)}\n"
        f"时间：{format_when(view.starts_at, view.ends_at)}\n"
        f"地点：{view.station_name}，{view.address}\n"
        f"姓名：{view.person_name}\n手机：{view.phone_masked}\n确认预约吗？"
    )


def confirmation_text(view: AppointmentView, *, ics_url: str | None = None) -> str:
    """The confirmation: code, time, address, what to bring, how to change it."""
    lines = [
        f"预约成功！您的预约码是 {view.code}（请记好，查询、改约、取消都会用到）。",
        f"项目：{SERVICE_NAMES.get(view.service, view.service)}",
        f"时间：{format_when(view.starts_at, view.ends_at)}，请提前10分钟到。",
        f"地点：{view.station_name}，{view.address}",
    ]
    if view.station_phone:
        lines.append(f"工作站电话：{view.station_phone}")
    if view.opening_notes:
        lines.append(f"说明：{view.opening_notes}")
    lines.append(f"请带上：{WHAT_TO_BRING}")
    lines.append("前一天我们会提醒您。需要改时间或取消，发“改约”或“取消预约”即可。")
    if ics_url:
        lines.append(f"加入手机日历：{ics_url}")
    return "\n".join(lines)


def reminder_text(view: AppointmentView, *, ics_url: str | None = None) -> str:
    """The day-before reminder as one chat message (with the calendar link when known)."""
    return (
        f"提醒：您明天预约了{SERVICE_SHORT.get(view.service, view.service)}，"
        f"时间 {format_when(view.starts_at, view.ends_at)}，"
        f"地点 {view.station_name}（{view.address}）。"
        f"预约码 {view.code}。请带上身份证、劳动合同、工资条、相关通知和证明材料。"
        + (f"如不能前来，请致电 {view.station_phone}。" if view.station_phone else "")
        + (f"\n加入手机日历：{ics_url}" if ics_url else "")
    )
