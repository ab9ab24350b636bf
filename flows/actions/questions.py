"""The walkthrough's questions: wording, why each is asked, how to answer, and the review.

Every question says in a few words why it is asked (the worker is sharing facts about a
pregnancy, which the law treats as sensitive); "为什么要问这个" gets the longer reason, with
the provisions it rests on. Buttons are offered where the answer is one of few.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flows.actions import case as C
from flows.actions.case import Case
from flows.actions.replies import Button, Say, chinese_date, labels

__all__ = [
    "FIELD_LABELS",
    "Question",
    "ask",
    "display",
    "facts_line",
    "fix_prompt",
    "question",
    "review",
    "why",
]

PERIOD_NAMES = {"pregnancy": "孕期（怀孕中）", "maternity": "产期（休产假）", "nursing": "哺乳期"}
ACTION_NAMES = {
    "dismissal": "要辞退您或不续签合同",
    "pay_cut": "降低工资或扣钱",
    "job_change": "调岗、加班或安排夜班",
    "checkup_denied": "不让产检或产检扣钱",
    "nursing_denied": "不给哺乳时间",
    "leave_denied": "不给足产假",
    "none": "暂时没有，想先了解权利",
}
STATUS_NAMES = {
    "threatened": "说要辞退，还没有正式辞退",
    "dismissed": "已经辞退",
    "pushed_to_resign": "让您自己辞职",
    "not_renewed": "合同到期不续签",
}
TOPIC_NAMES = {
    "dismissal": "被辞退",
    "pay_cut": "降薪",
    "job_change": "调岗、加班、夜班",
    "checkup": "产检",
    "leave": "产假",
    "allowance": "生育津贴",
    "nursing": "哺乳时间",
}
INSURED_NAMES = {"yes": "单位交了", "no": "单位没交", C.UNKNOWN: "不清楚"}
FIELD_LABELS = {
    C.PERIOD: "时期",
    C.PROVINCE: "工作所在省份",
    C.PREGNANCY_WEEKS: "怀孕月份或预产期",
    C.BIRTH_DATE: "宝宝出生日期",
    C.BABIES: "宝宝数量",
    C.BIRTH_TYPE: "生产方式",
    C.BIRTH_ORDER: "第几个孩子",
    C.EMPLOYER_ACTION: "单位的做法",
    C.DISMISSAL_STATUS: "辞退的情况",
    C.EVENT_DATE: "单位通知辞退的日期",
    C.CONTRACT_END: "劳动合同到期日",
    C.INSURED: "生育保险",
    C.MONTHLY_WAGE: "月工资",
    C.DUE_DATE: "预产期",
}
UNKNOWN_BUTTON = Button("不清楚", "不清楚")


def _choice(title: str, entity: str, value: str) -> Button:
    return Button(title, "/inform" + json.dumps({entity: value}, ensure_ascii=False))


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    why: str
    why_cites: tuple[str, ...]
    hint: str
    buttons: tuple[Button, ...] = ()
    unknown_ok: bool = False


def _period_question() -> Question:
    return Question(
        C.PERIOD,
        "您现在是在怀孕、休产假（刚生完宝宝），还是在哺乳期（宝宝不满1周岁）？"
        "（三个时期受到的保护不一样）",
        "孕期、产期、哺乳期各有不同的保护：孕期要看怀孕月份，产期要算产假，哺乳期要算哺乳时间。"
        "知道您在哪个时期，我才能只讲和您有关的规定。",
        ("women_rights_law:47",),
        "请点下面的一项，或者直接说“怀孕了”“在休产假”“在哺乳期”。",
        (
            _choice("怀孕中", "period", "pregnancy"),
            _choice("休产假", "period", "maternity"),
            _choice("哺乳期", "period", "nursing"),
        ),
    )


def question(key: str, case: Case) -> Question:
    """The question for ``key``, worded for this case."""
    if key == C.PERIOD:
        return _period_question()
    if key == C.PROVINCE:
        return Question(
            key,
            "您在哪个省份或城市工作？（各省的产假天数、哺乳假和生育津贴的规定不一样）",
            "国家规定之外，各省还规定了增加的产假天数，有的省另有哺乳假；生育津贴怎么算也按当地办法。"
            "按您工作所在的省份，我才能算出您自己的天数和日期。",
            ("women_protection_rules:7.1", "population_family_planning_law:25"),
            "请告诉我省份或城市的名字，比如“山东”“武汉”“北京朝阳”。",
        )
    if key == C.PREGNANCY_WEEKS:
        return Question(
            key,
            "您现在怀孕几个月了？知道预产期的话，告诉我预产期更准。"
            "（用来判断哪些保护已经适用，并推算产假和保护期的日期）",
            "怀孕满7个月以后，单位不能安排加班和夜班，还要在工作时间内安排休息；"
            "产假从预产期前后开始，不能被辞退的保护期要到宝宝满1周岁，这些日期都要从预产期推算。",
            ("women_protection_rules:6.2", "women_protection_rules:7.1", "labor_contract_law:42"),
            "可以说“怀孕5个月”“28周”，或者“预产期是明年3月10日”。",
            (UNKNOWN_BUTTON,),
            unknown_ok=True,
        )
    if key == C.BIRTH_DATE:
        if case.period == "nursing":
            return Question(
                key,
                "宝宝是哪天出生的？说宝宝现在几个月大也可以。（哺乳期到宝宝满1周岁，用来算到哪天为止）",
                "每天的哺乳时间、不安排加班夜班的保护，都到宝宝满1周岁为止；有了出生日期，"
                "我就能告诉您具体到哪一天。",
                ("women_protection_rules:9.1", "women_protection_rules:9.2"),
                "可以说“2025年10月8日”“去年12月初”，或者“宝宝8个月了”。",
            )
        return Question(
            key,
            "宝宝是哪天出生的？还没出生的话，告诉我预产期。（用来算您的产假从哪天到哪天）",
            "产假从生产前后开始连续计算，有了出生日期（或预产期），我就能算出产假最后一天是哪天。",
            ("women_protection_rules:7.1",),
            "可以说“2026年3月10日”“上个月5号生的”，或者“还没生，预产期是12月20日”。",
        )
    if key == C.BABIES:
        text = (
            "宝宝是一个，还是双胞胎、多胞胎？（多胞胎每天的哺乳时间会增加）"
            if case.period == "nursing"
            else "这次生了几个宝宝？（多胞胎的产假和每天的哺乳时间都会增加）"
        )
        return Question(
            key,
            text,
            "多胞胎每多生一个宝宝，产假增加15天；哺乳期每多哺乳一个宝宝，每天的哺乳时间增加1小时。",
            ("women_protection_rules:7.1", "women_protection_rules:9.2"),
            "请点下面的一项，或者直接说“一个”“双胞胎”。",
            (
                _choice("1个", "babies", "1"),
                _choice("双胞胎", "babies", "2"),
                _choice("三胞胎", "babies", "3"),
            ),
        )
    if key == C.BIRTH_TYPE:
        return Question(
            key,
            "是顺产、剖宫产，还是医生认定的难产？（难产会增加产假，有的省份剖宫产也按难产计算）",
            "难产的，产假增加15天（有的省份更多）；剖宫产是否按难产增加产假，各省规定不同。",
            ("women_protection_rules:7.1",),
            "请点下面的一项，或者直接说“顺产”“剖腹产”“难产”。",
            (
                _choice("顺产", "birth_type", "顺产"),
                _choice("剖宫产", "birth_type", "剖宫产"),
                _choice("难产", "birth_type", "难产"),
            ),
        )
    if key == C.BIRTH_ORDER:
        where = case.province or "您所在的省份"
        return Question(
            key,
            f"这是您的第几个孩子？（{where}增加的产假天数按孩次不同）",
            f"{where}的规定里，第一个、第二个、第三个孩子增加的产假天数不一样。",
            _province_basis(case),
            "请点下面的一项，或者直接说“第二个”“二胎”。",
            (
                _choice("第1个", "case_choice", "1"),
                _choice("第2个", "case_choice", "2"),
                _choice("第3个或更多", "case_choice", "3"),
            ),
        )
    if key == C.EMPLOYER_ACTION:
        return Question(
            key,
            "单位现在有什么做法让您担心吗？（我会告诉您单位能做什么、不能做什么）",
            "单位不能因为怀孕、生育、哺乳辞退您或降低工资，也要遵守孕期、哺乳期的特殊保护；"
            "知道单位做了什么，我才能讲清楚哪些做法违法、您可以怎么办。",
            ("women_protection_rules:5",),
            "请点下面的一项，或者用一句话说说单位做了什么。",
            (
                _choice("要辞退我/不续签", "case_choice", "dismissal"),
                _choice("降薪、扣钱", "case_choice", "pay_cut"),
                _choice("调岗、加班或夜班", "case_choice", "job_change"),
                _choice("不给产检、产假或哺乳时间", "case_choice", "denied"),
                _choice("没有，想先了解权利", "case_choice", "none"),
            ),
        )
    if key == C.DISMISSAL_STATUS:
        return Question(
            key,
            "单位是已经辞退您了，还是说要辞退、让您自己辞职，或者合同到期不续签？（这几种情况的应对办法不一样）",
            "还没正式辞退时，最要紧的是别签自愿离职之类的文件；已经辞退的，要注意一年的仲裁时效；"
            "合同到期的，法律规定要顺延。",
            ("labor_contract_law:45", "labor_dispute_law:27"),
            "请点下面的一项，或者用一句话说说现在的情况。",
            (
                _choice("已经辞退了", "case_choice", "dismissed"),
                _choice("说要辞退，还没正式辞", "case_choice", "threatened"),
                _choice("让我自己辞职", "case_choice", "pushed_to_resign"),
                _choice("合同到期不续签", "case_choice", "not_renewed"),
            ),
        )
    if key == C.EVENT_DATE:
        return Question(
            key,
            "单位是哪天通知辞退您的？（申请劳动仲裁的时效是一年，从这一天算起）",
            "申请劳动仲裁的时效是一年，从您知道权利被侵害的那天算起；有了日期，我就能算出最晚哪天前要申请。",
            ("labor_dispute_law:27",),
            "可以说“11月3日”“上周五”“上个月10号”。",
            (Button("记不清了", "记不清了"),),
            unknown_ok=True,
        )
    if key == C.CONTRACT_END:
        return Question(
            key,
            "您的劳动合同哪天到期？（在三期内到期的合同要顺延，我帮您算顺延到哪天）",
            "劳动合同在孕期、产期、哺乳期内到期的，要顺延到这些情形消失时才终止。",
            ("labor_contract_law:45",),
            "可以说“2026年12月31日”“下个月底”。",
            (UNKNOWN_BUTTON,),
            unknown_ok=True,
        )
    if key == C.INSURED:
        return Question(
            key,
            "单位给您交生育保险了吗？（交了的由生育保险基金发生育津贴，没交的由单位支付）",
            "参加了生育保险的，产假期间的生育津贴由生育保险基金支付；没参加的，由单位按您产假前的工资支付。",
            ("women_protection_rules:8.1",),
            "请点下面的一项：交了、没交，或者不清楚。",
            (Button("交了", "/affirm"), Button("没交", "/deny"), UNKNOWN_BUTTON),
            unknown_ok=True,
        )
    if key == C.MONTHLY_WAGE:
        if case.get(C.INSURED) == "no":
            text = "您产假前的月工资大约多少？（单位没交生育保险的，由单位按这个标准支付产假工资）"
        else:
            text = (
                "生育津贴按单位上一年职工月平均工资计算，您知道大约多少吗？不知道的话，"
                "告诉我您自己的月工资，我先粗略估算。（也可以跳过）"
            )
        return Question(
            key,
            text,
            "生育津贴按单位上年度职工月平均工资计发；有了金额，我可以帮您估算大概能领多少。",
            ("social_insurance_law:56", "women_protection_rules:8.1"),
            "可以说“6000元”“五千块左右”，不想说可以点“跳过”。",
            (Button("跳过", "跳过"),),
            unknown_ok=True,
        )
    if key == C.FIX:
        return Question(
            key,
            fix_prompt(),
            "我只想确认记下的内容都对，算出来的日期和待遇才可靠。",
            (),
            "请直接告诉我正确的内容，比如“我在湖北”“是双胞胎”，或者点要改的一项。",
            _fix_buttons(case),
        )
    return Question(
        C.CONFIRMED,
        "",
        "算之前先请您核对一遍：记错了一项，算出来的日期和待遇就会不准。",
        (),
        "对的话请说“对”；不对请直接告诉我正确的，比如“不对，我在湖北”。",
        (Button("对，帮我算", "/affirm"), Button("有要改的", "/deny")),
    )


def _province_basis(case: Case) -> tuple[str, ...]:
    rule = C.province_file(case.province)
    return tuple(rule.maternity.basis) if rule else ()


def _fix_buttons(case: Case) -> tuple[Button, ...]:
    keys = [key for key in relevant(case) if key in FIELD_LABELS and case.get(key) is not None]
    return tuple(
        Button(
            f"改{FIELD_LABELS[key]}",
            "/go_back" + json.dumps({"case_field": key}, ensure_ascii=False),
        )
        for key in keys[:6]
    )


def fix_prompt() -> str:
    return (
        "哪一项需要改？请直接告诉我正确的内容（比如“我在湖北”“是双胞胎”），或者点下面要改的一项。"
    )


def _months(weeks: int) -> int:
    return max(1, round(weeks * 12 / 52))


def display(key: str, case: Case) -> str | None:
    """How a fact reads in the review; None when there is nothing to show."""
    value = case.get(key)
    if value is None:
        return None
    estimate = "（估算）" if key in case.estimates else ""
    if value == C.UNKNOWN:
        return "不清楚"
    if key == C.PERIOD:
        return PERIOD_NAMES.get(str(value))
    if key == C.PREGNANCY_WEEKS:
        return f"怀孕约{_months(int(float(value)))}个月（{int(float(value))}周左右）"
    if key in (C.DUE_DATE, C.BIRTH_DATE, C.EVENT_DATE, C.CONTRACT_END):
        day = case.date(key)
        return f"{chinese_date(day)}{estimate}" if day else str(value)
    if key == C.BABIES:
        count = case.babies
        return "1个" if count == 1 else f"{count}个（{'双' if count == 2 else count}胞胎）"
    if key == C.BIRTH_ORDER:
        return f"第{case.number(key)}个孩子"
    if key == C.EMPLOYER_ACTION:
        return ACTION_NAMES.get(str(value), str(value))
    if key == C.DISMISSAL_STATUS:
        return STATUS_NAMES.get(str(value), str(value))
    if key == C.INSURED:
        return INSURED_NAMES.get(str(value), str(value))
    if key == C.MONTHLY_WAGE:
        amount = case.money(key)
        return f"{amount.normalize():f}元" if amount is not None else str(value)
    return str(value)


REVIEW_ORDER = (
    C.PERIOD,
    C.PROVINCE,
    C.PREGNANCY_WEEKS,
    C.DUE_DATE,
    C.BIRTH_DATE,
    C.BABIES,
    C.BIRTH_TYPE,
    C.BIRTH_ORDER,
    C.EMPLOYER_ACTION,
    C.DISMISSAL_STATUS,
    C.EVENT_DATE,
    C.CONTRACT_END,
    C.INSURED,
    C.MONTHLY_WAGE,
)


def relevant(case: Case) -> list[str]:
    """The facts that matter for this case, in review order (others are kept, not shown)."""
    keys = {C.PERIOD, C.PROVINCE, *case.needed()}
    if C.PREGNANCY_WEEKS in keys or (C.BIRTH_DATE in keys and case.get(C.BIRTH_DATE) is None):
        keys.add(C.DUE_DATE)
    if case.period == "pregnancy" and case.babies > 1:
        keys.add(C.BABIES)
    if case.employer_action not in (None, "none"):
        keys.add(C.EMPLOYER_ACTION)
    return [key for key in REVIEW_ORDER if key in keys]


def facts_line(case: Case) -> str:
    """Her facts in one line ("产期（休产假）；工作所在省份：湖北省；……"), for greetings."""
    shown = []
    for key in relevant(case):
        value = display(key, case)
        if value is not None and value != "不清楚":
            label = "预产期" if key == C.DUE_DATE else FIELD_LABELS[key]
            shown.append(value if key == C.PERIOD else f"{label}：{value}")
    return "；".join(shown)


def review(case: Case) -> Say:
    """ "我记下的是：……，对吗？" — shown before anything is computed."""
    lines = ["我记下的是："]
    for key in relevant(case):
        value = display(key, case)
        if value is not None:
            label = "预产期" if key == C.DUE_DATE else FIELD_LABELS[key]
            lines.append(f"· {label}：{value}")
    if case.topics:
        lines.append("· 您想了解：" + "、".join(TOPIC_NAMES.get(t, t) for t in case.topics))
    lines.append("对吗？对的话我就按这些帮您算；不对请直接告诉我正确的，比如“不对，我在湖北”。")
    return Say("\n".join(lines), buttons=question(C.CONFIRMED, case).buttons)


def ask(key: str, case: Case, *, prefix: str = "") -> Say:
    """The message that asks question ``key`` (the review for ``case_confirmed``)."""
    if key == C.CONFIRMED:
        said = review(case)
        return Say(prefix + said.text, buttons=said.buttons) if prefix else said
    q = question(key, case)
    return Say(prefix + q.text, buttons=q.buttons)


def why(key: str | None, case: Case) -> Say:
    """The longer reason for the question being asked, with its legal basis."""
    if key is None:
        return Say(
            "我问的每个问题都只是为了按您的情况算出日期和待遇、讲清楚单位能做什么不能做什么。"
            "您说的内容只用于这次咨询。"
        )
    q = question(key, case)
    text = f"问这个是因为：{q.why}您说的内容只用于这次咨询，不想说的可以说“跳过”或“不清楚”。"
    if not q.unknown_ok:
        text = f"问这个是因为：{q.why}您说的内容只用于这次咨询。"
    return Say(text, citations=tuple(labels(q.why_cites)))
