"""The tailored explanation a walkthrough ends with, built from the knowledge calculators.

Three messages: her rights in her period with the dates and amounts computed for her case
(leave end date, nursing time, protected period, allowance estimate); what the employer may
and may not do about what it did, and the evidence to keep (``flows.actions.employer``);
the next step. Every sentence
that states a rule carries the provisions it rests on; a figure the data marks as
unconfirmed carries the calculator's warning.

Pure Python: no Rasa. ``flows.actions.walkthrough`` sends what ``explain`` returns.
"""

from __future__ import annotations

from datetime import date, timedelta

from flows.actions import case as C
from flows.actions.case import Case, province_file
from flows.actions.employer import (
    DISMISSAL_NOT,
    FULL_TERM_WEEKS,
    child_anchor,
    employer_message,
    pregnancy_anchor,
)
from flows.actions.replies import Button, Paragraph, Say, chinese_date, cited_text
from knowledge.calculators.allowance import maternity_allowance
from knowledge.calculators.leave import LeaveResult, maternity_leave
from knowledge.calculators.nursing import first_birthday, nursing_entitlement
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge

__all__ = ["NOT_A_LAWYER", "explain", "lawyer_advice", "next_step_buttons", "pregnancy_anchor"]

NOT_A_LAWYER = "我是智能助手，不是律师，以上是按法律条文和您说的情况做的说明，不能代替律师的意见。"
SEVEN_MONTHS_WEEKS = 30  # 怀孕7个月 ≈ 30周 (nlu.extraction reads 七个月 as 30 weeks)


def next_step_buttons() -> tuple[Button, ...]:
    return (
        Button("下一步怎么维权", "/arbitration_procedure"),
        Button("预约维权接待日", '/book_appointment{"service":"reception_day"}'),
        Button("转人工", "/human_handoff"),
    )


def _weeks_now(case: Case, today: date) -> int | None:
    weeks = case.number(C.PREGNANCY_WEEKS)
    if weeks is not None:
        return weeks
    due = case.date(C.DUE_DATE)
    if due is not None:
        return FULL_TERM_WEEKS - max(0, (due - today).days) // 7
    return None


def _d(day: date) -> str:
    return chinese_date(day)


# -- 1. her rights in her period, computed -----------------------------------------------


def _leave(case: Case, *, anchor: date | None, born: bool) -> LeaveResult | None:
    kind = case.get(C.BIRTH_TYPE)
    try:
        return maternity_leave(
            province=province_file(case.province),
            birth_date=anchor if born else None,
            due_date=None if born else anchor,
            babies=case.babies,
            dystocia=kind == "难产",
            caesarean=kind == "剖宫产",
            birth_order=case.number(C.BIRTH_ORDER),
        )
    except KnowledgeError:
        return None


def _leave_paragraph(case: Case, result: LeaveResult, *, projected: bool) -> Paragraph:
    parts = "＋".join(
        f"{c.days}天（{c.reason.replace('（', '，').replace('）', '')}）" for c in result.components
    )
    where = result.province or "按国家规定"
    text = (
        f"{'将来的产假' if projected else '您的产假'}：{where}共{result.total_days}天（{parts}）。"
    )
    if result.start_date and result.end_date:
        if projected:
            text += (
                f"按预产期推算，大约从{_d(result.start_date)}休到{_d(result.end_date)}，"
                "实际以宝宝的出生日期为准。"
            )
        else:
            text += f"从{_d(result.start_date)}开始，最后一天是{_d(result.end_date)}。"
    assumed = []
    if case.get(C.BABIES) is None:
        assumed.append("按一个宝宝计算")
    if case.get(C.BIRTH_TYPE) is None and not projected:
        assumed.append("没有计入难产、剖宫产可能增加的天数")
    if assumed:
        text += "这里" + "，".join(assumed) + "；如果是多胞胎或者难产、剖宫产，告诉我可以重新算。"
    if not projected and C.BIRTH_DATE in case.estimates:
        text += "出生日期是按您说的估算的，告诉我准确的日期可以算得更准。"
    notes = [n for n in result.notes if "日期按预产期推算" not in n]
    if notes:
        text += "注意：" + "".join(notes)
    return Paragraph(text, result.basis)


def _protection_paragraph(end: date | None, *, estimated: bool, period: str) -> Paragraph:
    when = {"pregnancy": "从怀孕起", "maternity": "产假期间和哺乳期", "nursing": "哺乳期内"}[period]
    until = (
        f"（到宝宝满1周岁，{'按预产期推算约为' if estimated else '即'}{_d(end)}）"
        if end
        else "（到宝宝满1周岁）"
    )
    return Paragraph(
        f"{when}{until}，单位不能以“不能胜任工作”“客观情况发生重大变化”或经济性裁员为由与您解除劳动合同，"
        "也不能因为怀孕、生育、哺乳辞退您、降低您的工资；劳动合同在这期间到期的，要顺延到这些情形消失时才终止。",
        (*DISMISSAL_NOT, "labor_contract_law:45"),
    )


def _pregnancy_rights(case: Case, today: date) -> list[Paragraph]:
    anchor, estimated = pregnancy_anchor(case, today)
    end = first_birthday(anchor) if anchor else None
    paragraphs = [_protection_paragraph(end, estimated=estimated, period="pregnancy")]
    weeks = _weeks_now(case, today)
    if weeks is not None and weeks >= SEVEN_MONTHS_WEEKS:
        text = "您已经怀孕7个月以上："
    elif weeks is not None:
        start = today + timedelta(weeks=SEVEN_MONTHS_WEEKS - weeks)
        text = f"怀孕满7个月以后（按您的情况大约从{_d(start)}起）："
    else:
        text = "怀孕满7个月以后："
    paragraphs.append(
        Paragraph(
            text
            + "单位不能安排您延长劳动时间（加班）或上夜班，并且要在劳动时间内安排一定的休息时间。",
            ("women_protection_rules:6.2", "labor_law:61"),
        )
    )
    paragraphs.append(
        Paragraph(
            "在劳动时间内做产前检查，所用的时间算作劳动时间，单位不能因此扣工资或者算旷工。",
            ("women_protection_rules:6.3",),
        )
    )
    if "job_change" in case.topics or case.employer_action == "job_change":
        paragraphs.append(
            Paragraph(
                "怀孕后不能适应原来工作的，凭医疗机构的证明，单位应当减轻您的工作量或者安排其他能够适应的工作；"
                "孕期禁忌的劳动（如重体力劳动，接触超标有毒物质，高处、冷水、低温作业，频繁弯腰、攀高、下蹲的作业）不能安排给您。",
                ("women_protection_rules:6.1", "women_protection_rules:annex.3", "labor_law:61"),
            )
        )
    if anchor is not None:
        result = _leave(case, anchor=anchor, born=False)
        if result is not None:
            paragraphs.append(_leave_paragraph(case, result, projected=True))
    if estimated and anchor is not None:
        paragraphs.append(
            Paragraph(
                f"以上日期是按怀孕月份估算的（预产期约{_d(anchor)}），知道准确的预产期可以告诉我，我再帮您算。"
            )
        )
    return paragraphs


def _allowance_paragraphs(case: Case, leave: LeaveResult | None) -> list[Paragraph]:
    insured = case.get(C.INSURED) != "no"
    wage = case.money(C.MONTHLY_WAGE)
    who = (
        "您参加了生育保险的，产假期间的生育津贴由生育保险基金按单位上年度职工月平均工资支付；"
        "单位没给您交生育保险的，由单位按您产假前的工资标准支付。"
    )
    if case.get(C.INSURED) == "no":
        who = "单位没给您交生育保险的，产假期间由单位按您产假前的工资标准支付（相当于生育津贴）。"
    paragraphs = [Paragraph(who, ("women_protection_rules:8.1", "social_insurance_law:56"))]
    if wage is None or leave is None:
        return paragraphs
    try:
        result = maternity_allowance(
            leave_days=leave.total_days,
            provincial_extra_days=leave.provincial_days,
            province=province_file(case.province),
            insured=insured,
            employer_avg_monthly_wage=wage if insured else None,
            pre_leave_monthly_wage=None if insured else wage,
        )
    except KnowledgeError as error:
        return [*paragraphs, Paragraph(f"生育津贴暂时没法估算：{error}")]
    amounts = "；".join(f"{e.method}≈{e.amount}元" for e in result.estimates)
    base = "按您说的月工资" if insured else "按您产假前的月工资"
    notes = [n for n in result.notes if not n.startswith(("已参加生育保险的", "单位没有为您参加"))]
    text = f"{base}{result.monthly_base}元粗略估算：{amounts}。" + "".join(notes)
    if insured:
        text += "生育津贴的标准是单位上年度职工月平均工资，不一定等于您自己的工资。"
    return [*paragraphs, Paragraph(text, result.basis)]


def _maternity_rights(case: Case, today: date) -> list[Paragraph]:
    anchor = child_anchor(case)
    born = case.date(C.BIRTH_DATE) is not None
    paragraphs: list[Paragraph] = []
    leave = (
        _leave(case, anchor=anchor, born=born) if anchor else _leave(case, anchor=None, born=False)
    )
    if leave is not None:
        paragraphs.append(_leave_paragraph(case, leave, projected=not born and anchor is not None))
    if "allowance" in case.topics or case.get(C.INSURED) is not None:
        paragraphs += _allowance_paragraphs(case, leave)
    end = first_birthday(anchor) if anchor else None
    paragraphs.append(_protection_paragraph(end, estimated=not born, period="maternity"))
    hours = case.babies
    until = f"（{_d(end)}）" if end else ""
    paragraphs.append(
        Paragraph(
            f"产假结束回去上班后，到宝宝满1周岁{until}之前，单位每天要在劳动时间内给您安排{hours}小时哺乳时间，"
            "不能安排您加班或上夜班。",
            ("women_protection_rules:9.2", "women_protection_rules:9.1"),
        )
    )
    return paragraphs


def _nursing_rights(case: Case, today: date) -> list[Paragraph]:
    born = case.date(C.BIRTH_DATE)
    paragraphs: list[Paragraph] = []
    if born is not None and born <= today:
        result = nursing_entitlement(
            birth_date=born,
            babies=case.babies,
            province=province_file(case.province),
            on_date=today,
        )
        approx = "，按宝宝月龄估算" if C.BIRTH_DATE in case.estimates else ""
        if result.in_nursing_period is False:
            text = (
                f"按您说的出生日期{approx}，宝宝已经在{_d(result.nursing_end_date)}满1周岁，"
                "哺乳时间和哺乳期不加班、不上夜班的保护到那天为止。"
            )
        else:
            text = (
                f"哺乳时间：单位每天要在劳动时间内给您安排{result.daily_hours}小时哺乳时间，"
                f"到宝宝满1周岁（{_d(result.nursing_end_date)}{approx}）为止；"
                "这段时间单位不能安排您加班或上夜班。"
            )
        extra = [n for n in result.notes if "另有哺乳假" in n or "未能核实" in n or "尚未核实" in n]
        paragraphs.append(Paragraph(text + "".join(extra), result.basis))
        end: date | None = result.nursing_end_date
    else:
        paragraphs.append(
            Paragraph(
                "哺乳时间：宝宝满1周岁前，单位每天要在劳动时间内给您安排1小时哺乳时间（多胞胎每多一个加1小时），"
                "不能安排您加班或上夜班。",
                ("women_protection_rules:9.2", "women_protection_rules:9.1"),
            )
        )
        end = None
    paragraphs.append(_protection_paragraph(end, estimated=False, period="nursing"))
    if "job_change" in case.topics or case.employer_action == "job_change":
        paragraphs.append(
            Paragraph(
                "哺乳期内，单位不能安排您从事第三级体力劳动强度的劳动和哺乳期禁忌从事的劳动。",
                ("labor_law:63", "women_protection_rules:annex.4"),
            )
        )
    return paragraphs


def _rights(case: Case, today: date) -> Say:
    period = case.period or "pregnancy"
    builders = {
        "pregnancy": _pregnancy_rights,
        "maternity": _maternity_rights,
        "nursing": _nursing_rights,
    }
    paragraphs = builders[period](case, today)
    if period == "pregnancy" and "allowance" in case.topics:
        anchor, _ = pregnancy_anchor(case, today)
        leave = _leave(case, anchor=anchor, born=False) if anchor else None
        paragraphs += _allowance_paragraphs(case, leave)
    where = f"（{case.province}）" if case.province else ""
    text, citations = cited_text(paragraphs, title=f"按您的情况{where}")
    return Say(text, citations)


# -- 3. next step ---------------------------------------------------------------------------


def lawyer_advice(case: Case) -> str:
    """When her case needs a lawyer, from the answers of the topics she raised."""
    answers = load_knowledge().answers
    intents = {topic: intent for intent, topic in C.INTENT_TOPICS.items()}
    for topic in case.topics:
        answer = answers.get(intents.get(topic, ""))
        if answer is not None and answer.needs_lawyer_when:
            return answer.needs_lawyer_when
    return (
        "单位否认事实、涉及金额较大，或者离一年的仲裁时效不远时，"
        "建议找律师或申请法律援助（12348）。"
    )


def _next_message(case: Case) -> Say:
    problem = case.employer_action not in (None, "none")
    first = (
        "先和单位沟通、协商，可以自己去，也可以请工会一起参与。"
        if problem
        else "如果单位不按这些规定办，先和单位沟通、协商，可以自己去，也可以请工会一起参与。"
    )
    paragraphs = [Paragraph(first, ("labor_dispute_law:4",))]
    if case.employer_action in ("nursing_denied", "checkup_denied", "leave_denied", "job_change"):
        paragraphs.append(
            Paragraph(
                "单位违反女职工特殊保护规定的，可以直接向当地劳动保障监察机构投诉（可拨打12333），投诉人的信息会被保密。",
                ("labor_inspection_regulations:9", "labor_inspection_regulations:11"),
            )
        )
    paragraphs.append(
        Paragraph(
            "协商不成，可以申请调解，也可以直接向劳动人事争议仲裁委员会申请仲裁，劳动仲裁不收费。",
            ("labor_dispute_law:5", "labor_dispute_law:53"),
        )
    )
    if case.province == "山东省":
        paragraphs.append(
            Paragraph(
                "山东各级仲裁机构的立案窗口设有女职工劳动人事争议维权工作站，涉及孕期、产期、哺乳期的争议适用速裁，"
                "快立、快调、快审、快结。",
                ("shandong_women_station_notice:2", "shandong_women_station_notice:4.3"),
            )
        )
    paragraphs.append(
        Paragraph(
            "可以打这些热线：12338（妇联妇女维权）、12351（工会职工服务）、12333（人社政策咨询和投诉）、12348（法律咨询、法律援助）。",
            ("shandong_women_station_notice:4.1",),
        )
    )
    paragraphs.append(Paragraph(f"{NOT_A_LAWYER}{lawyer_advice(case)}"))
    paragraphs.append(
        Paragraph(
            "想了解协商、调解、仲裁、诉讼每一步怎么走、有什么期限和费用，请点“下一步怎么维权”；也可以预约维权接待日，或者转人工。"
        )
    )
    text, citations = cited_text(paragraphs, title="下一步")
    return Say(text, citations, next_step_buttons())


def explain(case: Case, *, today: date) -> list[Say]:
    """The three messages that end a walkthrough, for a confirmed case."""
    return [_rights(case, today), employer_message(case, today), _next_message(case)]
