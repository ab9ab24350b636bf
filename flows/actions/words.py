"""Answers that are one of few, matched in the worker's own words.

"单位不给我哺乳时间" is an employer refusing the nursing hour; "说要辞退，还没正式通知" is a
threat, not yet a dismissal; "剖的" is a caesarean. The patterns are ordered: the first
that matches wins, so the more specific come first. Button payloads (``case_choice``) win
over words.
"""

from __future__ import annotations

import re

from flows.actions import case as C
from flows.actions.message import Message
from knowledge.errors import KnowledgeError
from knowledge.regions import find_place

__all__ = [
    "birth_order_in",
    "birth_type_in",
    "dismissal_status_in",
    "employer_action_in",
    "period_in",
    "place_in",
]

PERIOD_WORDS = (
    (re.compile(r"哺乳|喂奶|母乳"), "nursing"),
    (re.compile(r"产假|刚生|坐月子|生完|生了|月子"), "maternity"),
    (re.compile(r"怀孕|怀了|孕|懷孕"), "pregnancy"),
)
ACTION_WORDS = (
    (
        re.compile(
            r"(不给|不让|不批|拒绝|没有|不同意).{0,6}(哺乳|喂奶)|(哺乳|喂奶).{0,8}(不给|不让|不批|拒绝|不同意|取消)"
        ),
        "nursing_denied",
    ),
    (
        re.compile(r"产检.{0,8}(不让|不批|扣|旷工|不给|不同意)|(不让|不批|不给).{0,4}产检"),
        "checkup_denied",
    ),
    (
        re.compile(r"产假.{0,6}(只给|不给|不让|少给|不批|缩短)|(只给|不给|不让).{0,6}产假"),
        "leave_denied",
    ),
    (
        re.compile(r"辞退|开除|辞了|解除|解聘|不续签|不续|裁员|裁了|让我走|劝退|辞职|不要我|走人"),
        "dismissal",
    ),
    (
        re.compile(r"降薪|降工资|降低工资|扣工资|扣钱|少发|减薪|扣绩效|扣奖金|工资少了|降我工资"),
        "pay_cut",
    ),
    (re.compile(r"调岗|调到|夜班|加班|搬货|重活|换岗|换到|站着"), "job_change"),
)
STATUS_WORDS = (
    (re.compile(r"不续签|不续|到期不|合同到期"), "not_renewed"),
    (
        re.compile(
            r"让我.{0,2}辞职|逼我.{0,2}辞职|劝我.{0,2}辞职|劝退|自己走|主动辞职|写辞职|离职协议|协商解除|自愿离职"
        ),
        "pushed_to_resign",
    ),
    (
        re.compile(
            r"要辞退|要开除|说要|准备|打算|威胁|想辞退|想开除|要把我|要我走|要裁|可能会|会不会"
        ),
        "threatened",
    ),
    (
        re.compile(
            r"被辞|辞退了|开除了|被开除|辞了我|把我辞|解除了|通知.{0,4}解除|不用来了|被裁|裁了我|已经|解聘了|让我走了"
        ),
        "dismissed",
    ),
)
BIRTH_TYPE_WORDS = (
    (re.compile(r"难产"), "难产"),
    (re.compile(r"剖"), "剖宫产"),
    (re.compile(r"顺"), "顺产"),
)
INTENT_ACTIONS = {
    "three_period_dismissal": "dismissal",
    "unlawful_termination": "dismissal",
    "three_period_pay_cut": "pay_cut",
    "wage_arrears": "pay_cut",
    "three_period_job_change": "job_change",
}
DENIED_BY_PERIOD = {
    "pregnancy": "checkup_denied",
    "maternity": "leave_denied",
    "nursing": "nursing_denied",
}
PLACE_PREFIX = re.compile(
    r"^(不对|不是|错了|我|是|在|人在|现在|目前|工作在|上班在|单位在|公司在|的|，|,|\s)+"
)


def place_in(message: Message) -> str | None:
    """The full province name for a province or city in the message (济南 → 山东省)."""
    for name in (*message.entity_values("province"), *message.entity_values("city")):
        try:
            return find_place(name).province
        except KnowledgeError:
            continue
    text = PLACE_PREFIX.sub("", message.text)
    for start in range(len(text)):
        try:
            return find_place(text[start:]).province
        except KnowledgeError:
            continue
    return None


def employer_action_in(message: Message, period: str | None) -> str | None:
    """What the employer did, from the intent or the words used."""
    choice = message.entity("case_choice")
    if choice in ("dismissal", "pay_cut", "job_change", "none"):
        return choice
    if choice == "denied":
        return DENIED_BY_PERIOD.get(period or "", "nursing_denied")
    for pattern, action in ACTION_WORDS:
        if pattern.search(message.text):
            return action
    return INTENT_ACTIONS.get(message.intent or "")


def dismissal_status_in(message: Message) -> str | None:
    choice = message.entity("case_choice")
    if choice in ("threatened", "dismissed", "pushed_to_resign", "not_renewed"):
        return choice
    for pattern, status in STATUS_WORDS:
        if pattern.search(message.text):
            return status
    return None


def period_in(message: Message) -> str | None:
    value = message.entity("period")
    if value in C.PERIODS:
        return value
    for pattern, period in PERIOD_WORDS:
        if pattern.search(message.text):
            return period
    return None


def birth_order_in(text: str) -> int | None:
    match = re.search(
        r"第\s*([一二三四五六七八九十\d]+)\s*[个胎]|([一二三四五\d])\s*胎|老([二三四五])|头胎|老大",
        text,
    )
    if match is None:
        return None
    if match.group(0) in ("头胎", "老大"):
        return 1
    raw = next(g for g in match.groups() if g)
    digits = {
        "一": 1,
        "二": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
        "十": 10,
    }
    return int(raw) if raw.isdigit() else digits.get(raw)


def birth_type_in(message: Message) -> str | None:
    value = message.entity("birth_type")
    if value in ("顺产", "剖宫产", "难产"):
        return value
    for pattern, kind in BIRTH_TYPE_WORDS:
        if pattern.search(message.text):
            return kind
    return None
