"""Chinese names staff read for statuses, services, question classes and channels."""

from __future__ import annotations

__all__ = ["CHANNEL_LABELS", "QUESTION_LABELS", "SERVICE_LABELS", "STATUS_LABELS", "question_label"]

STATUS_LABELS = {
    "booked": "已预约",
    "checked_in": "已签到",
    "served": "已接待",
    "no_show": "未到",
    "cancelled": "已取消",
}
SERVICE_LABELS = {"reception_day": "维权接待日", "legal_aid": "法律援助"}
CHANNEL_LABELS = {
    "wechat": "微信",
    "telegram": "Telegram",
    "webchat": "网页",
    "web": "网页",
    "api": "网页",
    "cli": "命令行",
    "console": "热线代约",
}
QUESTION_LABELS = {
    "three_period_dismissal": "三期被辞退",
    "three_period_pay_cut": "三期降薪",
    "three_period_job_change": "三期调岗/加班",
    "prenatal_checkup": "产检假",
    "maternity_leave": "产假",
    "miscarriage_leave": "流产假",
    "maternity_allowance": "生育津贴",
    "nursing_time": "哺乳时间",
    "parental_leave": "育儿假/陪产假",
    "hiring_discrimination": "招聘歧视",
    "sexual_harassment": "性骚扰",
    "wage_arrears": "拖欠工资",
    "social_insurance": "社保",
    "unlawful_termination": "违法解除",
    "overtime_pay": "加班费",
    "other_leave": "其他假期",
    "work_injury": "工伤",
    "labor_contract": "劳动合同",
    "arbitration_procedure": "仲裁程序",
    "labor_inspection_complaint": "劳动监察投诉",
    "mediation": "调解",
    "legal_aid": "法律援助",
    "hotline_info": "热线咨询",
    "emotional_support": "心理支持",
    "employment_help": "就业帮扶",
}


def question_label(value: str | None) -> str:
    if not value:
        return "未说明"
    return QUESTION_LABELS.get(value, value)
