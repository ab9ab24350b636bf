"""What the employer may and may not do about what it did, and the evidence to keep.

The second message of the tailored explanation (``flows.actions.explain``): for a
dismissal, whether it is only threatened, done, a push to resign or a contract not renewed
(with the arbitration deadline or the extended contract end computed); for pay cuts, job
changes, refused check-ups, nursing time or leave, the rule broken and the penalty.
Pure Python: no Rasa.
"""

from __future__ import annotations

from datetime import date, timedelta

from flows.actions import case as C
from flows.actions.case import Case
from flows.actions.replies import Paragraph, Say, chinese_date, cited_text
from knowledge.calculators.arbitration import arbitration_deadline
from knowledge.calculators.protection import protected_period
from knowledge.errors import KnowledgeError

__all__ = [
    "DISMISSAL_NOT",
    "EVIDENCE",
    "FULL_TERM_WEEKS",
    "child_anchor",
    "employer_message",
    "pregnancy_anchor",
]

DISMISSAL_NOT = (
    "women_protection_rules:5",
    "women_rights_law:48",
    "labor_contract_law:42",
    "labor_contract_law:40",
    "labor_contract_law:41",
)
FULL_TERM_WEEKS = 40


def pregnancy_anchor(case: Case, today: date) -> tuple[date | None, bool]:
    """Her due date, or one estimated from how far along she is (and whether estimated)."""
    due = case.date(C.DUE_DATE)
    if due is not None:
        return due, C.DUE_DATE in case.estimates
    weeks = case.number(C.PREGNANCY_WEEKS)
    if weeks is not None and 1 <= weeks <= FULL_TERM_WEEKS:
        return today + timedelta(weeks=FULL_TERM_WEEKS - weeks), True
    return None, False


def child_anchor(case: Case) -> date | None:
    """The child's birth date, or the due date before the birth."""
    return case.date(C.BIRTH_DATE) or case.date(C.DUE_DATE)


def _d(day: date) -> str:
    return chinese_date(day)


def _dismissal(case: Case, today: date) -> list[Paragraph]:
    status = case.get(C.DISMISSAL_STATUS)
    paragraphs = [
        Paragraph(
            "单位不可以：因为您怀孕、生育、哺乳辞退您或者解除劳动合同；在三期内以“不能胜任工作”“客观情况发生重大变化”"
            "或经济性裁员为由解除合同。",
            DISMISSAL_NOT,
        ),
        Paragraph(
            "单位可以：在您确有严重违反规章制度、严重失职造成重大损害等过错时解除合同，但要有事实和证据，"
            "是否成立最终由仲裁或法院认定。",
            ("labor_contract_law:39",),
        ),
    ]
    if status == "threatened":
        paragraphs.append(
            Paragraph(
                "单位现在还没有正式辞退您：千万别签“自愿离职”“协商解除”一类的文件——您自己提出辞职，这些保护就用不上了。"
                "可以用微信或邮件书面告诉单位您的情况并保存记录，请单位书面说明理由。",
                ("labor_contract_law:37", "labor_contract_law:36"),
            )
        )
    elif status == "pushed_to_resign":
        paragraphs.append(
            Paragraph(
                "单位让您自己辞职时要特别小心：您自己提出辞职，这些保护就用不上了；"
                "如果是单位提出、双方协商一致解除，单位应当支付经济补偿。",
                ("labor_contract_law:37", "labor_contract_law:36", "labor_contract_law:46"),
            )
        )
    elif status == "not_renewed":
        paragraphs.append(_not_renewed(case, today))
    if status in ("dismissed", "pushed_to_resign", "not_renewed", None):
        paragraphs.append(
            Paragraph(
                "单位违法解除或终止合同的，您可以要求继续履行合同（回去上班）；不想回去的，可以要求单位按经济补偿标准的两倍支付赔偿金。",
                ("labor_contract_law:48", "labor_contract_law:87"),
            )
        )
    if status == "dismissed":
        paragraphs.append(_deadline(case, today))
    return paragraphs


def _not_renewed(case: Case, today: date) -> Paragraph:
    contract_end = case.date(C.CONTRACT_END)
    anchor = child_anchor(case) or pregnancy_anchor(case, today)[0]
    if contract_end is not None and anchor is not None:
        try:
            result = protected_period(
                birth_date=case.date(C.BIRTH_DATE),
                due_date=None if case.date(C.BIRTH_DATE) else anchor,
                contract_end=contract_end,
            )
        except KnowledgeError:
            result = None
        if result is not None and result.contract_extended_to is not None:
            estimate = "，按预产期推算" if result.end_is_estimate else ""
            return Paragraph(
                f"您的合同在{_d(contract_end)}到期，正好在三期之内：合同要顺延到宝宝满1周岁"
                f"（{_d(result.contract_extended_to)}{estimate}）才终止，"
                "单位不能以“合同到期”为由让您走。",
                ("labor_contract_law:45", "women_rights_law:48"),
            )
    return Paragraph(
        "劳动合同在孕期、产期、哺乳期内到期的，要顺延到这些情形消失时才终止，单位不能以“合同到期”为由让您走。",
        ("labor_contract_law:45", "women_rights_law:48"),
    )


def _deadline(case: Case, today: date) -> Paragraph:
    event = case.date(C.EVENT_DATE)
    if event is None:
        return Paragraph(
            "申请劳动仲裁的时效是一年，从您知道被辞退的那天算起，请尽早申请，不要拖。",
            ("labor_dispute_law:27",),
        )
    result = arbitration_deadline(knew_date=event, today=today)
    text = (
        f"申请劳动仲裁的时效是一年：从{_d(event)}算起，最晚要在{_d(result.deadline)}之前申请"
        if result.deadline
        else ""
    )
    if result.expired:
        text += (
            "。按您说的日期，时效可能已经过了，但是否有中断等情形对结果影响很大，"
            "请马上拨打12333或12348咨询"
        )
    elif result.days_left is not None:
        text += f"（还有{result.days_left}天），请尽早申请，不要等到最后几天"
    return Paragraph(text + "。", result.basis)


def _employer(case: Case, today: date) -> list[Paragraph]:
    action = case.employer_action
    topics = set(case.topics)
    paragraphs: list[Paragraph] = []
    if action == "dismissal" or "dismissal" in topics:
        paragraphs += _dismissal(case, today)
    if action == "pay_cut" or "pay_cut" in topics:
        paragraphs += [
            Paragraph(
                "单位不可以：因为您怀孕、生育、哺乳降低您的工资和福利待遇；工资要按月足额支付，不得克扣。",
                ("women_protection_rules:5", "women_rights_law:48", "labor_law:50"),
            ),
            Paragraph(
                "被少发的工资可以要求补发；在职期间追讨拖欠的工资，申请仲裁不受一年时效的限制，离职后要在一年内申请。",
                ("labor_dispute_law:27",),
            ),
        ]
    if action == "job_change" or "job_change" in topics:
        if case.period == "nursing":
            paragraphs.append(
                Paragraph(
                    "单位不可以：在宝宝满1周岁前安排您加班或上夜班；安排哺乳期禁忌从事的劳动。",
                    (
                        "women_protection_rules:9.1",
                        "labor_law:63",
                        "women_protection_rules:annex.4",
                    ),
                )
            )
        else:
            paragraphs.append(
                Paragraph(
                    "单位不可以：安排您从事孕期禁忌的劳动；在您怀孕7个月以上时安排加班或夜班。单位应当：凭医院证明，"
                    "为不能适应原工作的您减轻工作量或安排能适应的工作。",
                    (
                        "women_protection_rules:annex.3",
                        "women_protection_rules:6.2",
                        "women_protection_rules:6.1",
                    ),
                )
            )
    if action == "checkup_denied" or "checkup" in topics:
        paragraphs.append(
            Paragraph(
                "单位不可以：把您在劳动时间内做产前检查的时间算作旷工或者因此扣工资，这段时间算作劳动时间。",
                ("women_protection_rules:6.3",),
            )
        )
    if action == "nursing_denied" or "nursing" in topics:
        paragraphs.append(
            Paragraph(
                f"单位不可以：不给您哺乳时间。单位每天要在劳动时间内给您安排{case.babies}小时哺乳时间"
                "（多胞胎每多一个宝宝加1小时），直到宝宝满1周岁。",
                ("women_protection_rules:9.2",),
            )
        )
    if action in ("nursing_denied", "checkup_denied", "leave_denied", "job_change"):
        paragraphs.append(
            Paragraph(
                "单位违反女职工特殊劳动保护规定的（比如孕晚期安排加班夜班、产假不足、哺乳期不给哺乳时间或安排加班夜班），"
                "由人社部门责令改正，并按每名受侵害的女职工1000元以上5000元以下罚款；您可以向劳动保障监察投诉。",
                (
                    "women_protection_rules:13",
                    "labor_inspection_regulations:23",
                    "labor_inspection_regulations:11",
                ),
            )
        )
    if "leave" in topics and action != "leave_denied":
        paragraphs.append(
            Paragraph(
                "单位不可以：少给您产假，或者要求您提前回来上班；产假不足的，由人社部门责令改正并罚款。",
                ("women_protection_rules:7.1", "women_protection_rules:13"),
            )
        )
    if action == "leave_denied":
        paragraphs.append(
            Paragraph(
                "单位不可以：少给您产假。国家规定的98天产假是底线，各省另有增加的天数。",
                ("women_protection_rules:7.1",),
            )
        )
    if not paragraphs:
        paragraphs.append(
            Paragraph(
                "单位不可以：因为您怀孕、生育、哺乳降低您的工资、辞退您或者解除劳动合同。",
                ("women_protection_rules:5", "women_rights_law:48"),
            )
        )
    return paragraphs


EVIDENCE = {
    "common": "劳动合同、工资条或银行流水、考勤记录、社保缴费记录",
    "pregnancy": "医院的怀孕诊断证明和产检单、告诉单位您怀孕的聊天记录或邮件",
    "maternity": "出生证明、住院记录（剖宫产、难产的医疗证明）、请产假的申请和单位的答复",
    "nursing": "宝宝的出生证明",
    "dismissal": "辞退或解除通知、谈话录音、聊天记录，以及单位说明理由的书面材料",
    "pay_cut": "降薪前后的工资条、降薪通知",
    "job_change": "调岗或排班通知、加班记录、医生的建议",
    "checkup_denied": "产检单、请假记录、被扣工资或记旷工的记录",
    "nursing_denied": "要求哺乳时间的申请、单位拒绝的聊天记录或通知、考勤记录",
    "leave_denied": "请产假的申请、单位只批了多少天的记录",
}


def _evidence(case: Case) -> Paragraph:
    keys = [case.period or "pregnancy", *(case.topics or []), case.employer_action or ""]
    items = [EVIDENCE[k] for k in dict.fromkeys(keys) if k in EVIDENCE]
    items.append(EVIDENCE["common"])
    return Paragraph("请保存好这些证据：" + "；".join(items) + "。原件留好，拍照或截图另存一份。")


def employer_message(case: Case, today: date) -> Say:
    paragraphs = [*_employer(case, today), _evidence(case)]
    text, citations = cited_text(paragraphs, title="单位能做什么、不能做什么")
    return Say(text, citations)
