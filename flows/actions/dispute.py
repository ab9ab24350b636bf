"""The dispute path: 协商 → 调解 → 仲裁 → 诉讼, with time limits, costs and who helps.

Tailored where her case allows: the last day to apply for arbitration from the day she was
dismissed, the fast track (速裁) and green channel for three-period cases where the
reference documents describe one (Shandong's stations; the "仲裁+妇联" mechanism, whose
region the text does not name, is described as "有的地方"), local mediation bodies for
Beijing, Zibo and Suizhou, legal-aid eligibility for her kind of claim, and an offer to
book a reception-day or legal-aid appointment.

Pure Python: no Rasa.
"""

from __future__ import annotations

from datetime import date

from flows.actions import case as C
from flows.actions.case import Case
from flows.actions.explain import NOT_A_LAWYER
from flows.actions.replies import Button, Paragraph, Say, chinese_date, cited_text
from knowledge.calculators.arbitration import arbitration_deadline

__all__ = ["PAY_TOPICS", "THREE_PERIOD_TOPICS", "booking_buttons", "dispute_path"]

#: Claims about money: the employment-time rule for unpaid wages and 支付令 apply.
PAY_TOPICS = frozenset({"pay_cut", "allowance", "wage_arrears", "overtime_pay", "social_insurance"})
THREE_PERIOD_TOPICS = frozenset(C.INTENT_TOPICS.values())


def booking_buttons() -> tuple[Button, ...]:
    return (
        Button("预约维权接待日", '/book_appointment{"service":"reception_day"}'),
        Button("预约法律援助", '/book_appointment{"service":"legal_aid"}'),
        Button("转人工", "/human_handoff"),
    )


def _topics(case: Case, topic: str | None) -> set[str]:
    topics = set(case.topics)
    if topic:
        topics.add(topic)
    return topics


def _mediation(case: Case, topics: set[str]) -> list[Paragraph]:
    paragraphs = [
        Paragraph(
            "第二步，调解：不愿协商或协商不成，可以向单位的劳动争议调解委员会、基层人民调解组织或乡镇、街道的调解组织申请调解；"
            "调解组织收到申请15日内没有达成协议的，可以申请仲裁。调解不是必经程序，也可以直接申请仲裁。",
            ("labor_dispute_law:5", "labor_dispute_law:10", "labor_dispute_law:14"),
        )
    ]
    if topics & PAY_TOPICS:
        paragraphs.append(
            Paragraph(
                "就拖欠工资、经济补偿或赔偿金达成调解协议、单位到期不履行的，可以拿调解协议书向法院申请支付令。",
                ("labor_dispute_law:16",),
            )
        )
    city = str(case.get("city") or "")
    if case.province == "山东省":
        paragraphs.append(
            Paragraph(
                "山东的女职工维权工作站坚持先引导协商、优先调解，司法、工会、妇联的调解员进驻工作站，和仲裁员一起调解。",
                ("shandong_women_station_notice:4.2",),
            )
        )
        if city.startswith("淄博"):
            paragraphs.append(
                Paragraph(
                    "淄博正在健全企业、区域、行业性的劳动人事争议调解组织，把争议化解在申请仲裁之前。",
                    ("zichuan_mediation_plan:3.2",),
                )
            )
    elif case.province == "北京市":
        paragraphs.append(
            Paragraph(
                "北京市总工会的方案提出，在市、区职工服务中心、街道乡镇司法所和较大的企业设立劳动争议调解组织"
                "（这份方案未能与官方文本核对）。",
                ("beijing_union_legal_services:3.1",),
            )
        )
    elif case.province == "湖北省" and city.startswith("随州"):
        paragraphs.append(
            Paragraph(
                "随州的“一站式”劳动保障维权中心一个窗口受理，人社、工会、法院、司法等联合办公，调解优先。",
                ("suizhou_one_stop_centre:5.1",),
            )
        )
    return paragraphs


def _arbitration(case: Case, topics: set[str], today: date) -> list[Paragraph]:
    paragraphs = [
        Paragraph(
            "第三步，仲裁：向劳动合同履行地或单位所在地的劳动人事争议仲裁委员会提交书面申请（写字有困难的可以口头申请），"
            "劳动仲裁不收费。仲裁委收到申请5日内决定是否受理，受理后一般45日内结案，裁决前会先行调解。",
            (
                "labor_dispute_law:21",
                "labor_dispute_law:28",
                "labor_dispute_law:53",
                "labor_dispute_law:29",
                "labor_dispute_law:43",
                "labor_dispute_law:42",
            ),
        )
    ]
    event = case.date(C.EVENT_DATE)
    if event is not None and case.get(C.DISMISSAL_STATUS) == "dismissed":
        result = arbitration_deadline(knew_date=event, today=today)
        deadline = chinese_date(result.deadline) if result.deadline else "一年内"
        text = f"时效：一年，从您被辞退的{chinese_date(event)}算起，最晚要在{deadline}之前申请"
        text += "（时效可能已过，请马上咨询12333或12348）。" if result.expired else "，越早越好。"
        paragraphs.append(Paragraph(text, result.basis))
    elif topics & PAY_TOPICS:
        paragraphs.append(
            Paragraph(
                "时效：一般是一年，从知道权利被侵害之日起算；在职期间追讨拖欠的工资不受一年的限制，离职后要在一年内申请。",
                ("labor_dispute_law:27",),
            )
        )
    else:
        paragraphs.append(
            Paragraph(
                "时效：一年，从知道或者应当知道权利被侵害之日起算；向单位主张权利、向有关部门求助的，时效中断、重新计算。",
                ("labor_dispute_law:27",),
            )
        )
    if topics & (PAY_TOPICS | {"dismissal", "unlawful_termination"}) or (
        case.employer_action == "dismissal"
    ):
        paragraphs.append(
            Paragraph(
                "追索工资、经济补偿或赔偿金的，可以申请先予执行，劳动者申请的可以不提供担保。",
                ("labor_dispute_law:44",),
            )
        )
    if topics & THREE_PERIOD_TOPICS or case.period is not None:
        if case.province == "山东省":
            paragraphs.append(
                Paragraph(
                    "山东的仲裁机构为女职工开辟维权绿色通道：涉及孕期、产期、哺乳期的争议适用速裁，快立、快调、快审、快结；"
                    "立案窗口设有女职工劳动人事争议维权工作站。",
                    ("shandong_women_station_notice:4.3", "shandong_women_station_notice:2"),
                )
            )
        paragraphs.append(
            Paragraph(
                "有的地方的“仲裁+妇联”机制对三期案件开辟绿色通道、可以容缺立案，无法调解的确保30日内审结。"
                "申请时可以问一问当地仲裁委是否有这样的通道。",
                ("arbitration_womens_federation_mechanism:3.3",),
            )
        )
    return paragraphs


def _litigation() -> list[Paragraph]:
    return [
        Paragraph(
            "第四步，诉讼：对仲裁裁决不服的，可以在收到裁决书之日起15日内向人民法院起诉，期满不起诉的裁决生效；"
            "金额不超过当地月最低工资标准12个月的追索等终局裁决，您不服也可以在15日内起诉。",
            ("labor_dispute_law:50", "labor_dispute_law:47", "labor_dispute_law:48"),
        ),
        Paragraph(
            "调解书、裁决书生效后单位不履行的，可以申请法院强制执行。打官司的费用以法院告知的为准，请不起律师的可以申请法律援助。",
            ("labor_dispute_law:51",),
        ),
    ]


def _steps(case: Case, topic: str | None, today: date) -> Say:
    topics = _topics(case, topic)
    paragraphs = [
        Paragraph(
            "第一步，协商：自己或者请工会、第三方一起和单位协商，达成和解协议；这一步不用花钱，也可以同时保存好证据。",
            ("labor_dispute_law:4",),
        ),
        *_mediation(case, topics),
        *_arbitration(case, topics, today),
        *_litigation(),
    ]
    text, citations = cited_text(paragraphs, title="维权怎么走：协商 → 调解 → 仲裁 → 诉讼")
    return Say(text, citations)


def _legal_aid(topics: set[str]) -> list[Paragraph]:
    paragraphs = [
        Paragraph(
            "法律援助：因经济困难没有请律师的，请求支付劳动报酬、给予社会保险待遇、确认劳动关系、工伤赔偿等，可以申请法律援助，"
            "律师免费代理调解、仲裁和诉讼；经济困难的标准由各省规定。",
            ("legal_aid_law:31", "legal_aid_law:34", "legal_aid_law:2", "legal_aid_law:22"),
        ),
        Paragraph(
            "进城务工人员追讨工资或工伤赔偿的，有材料证明就免予核查经济困难状况；离仲裁时效届满不足7天等紧急情况，法律援助机构可以先行提供援助。",
            ("legal_aid_law:42", "legal_aid_law:44"),
        ),
    ]
    if "dismissal" in topics or "unlawful_termination" in topics:
        paragraphs.append(
            Paragraph(
                "被辞退后要求经济补偿或赔偿金是否在当地法律援助的范围内，各省的规定不同，可以先拨打12348问一问；"
                "无论是否符合条件，法律援助机构都提供免费的法律咨询。",
                ("legal_aid_law:31", "legal_aid_law:23"),
            )
        )
    return paragraphs


def _helpers(case: Case, topic: str | None) -> Say:
    topics = _topics(case, topic)
    paragraphs = [
        Paragraph(
            "12333：人社部门的政策咨询和投诉举报；12338：妇联的妇女维权热线；12351：工会的职工服务热线；12348：法律咨询和法律援助热线。",
            ("shandong_women_station_notice:4.1",),
        ),
        Paragraph(
            "劳动保障监察：单位违反女职工特殊保护、拖欠工资、不交社保等，可以向当地劳动保障监察机构投诉，投诉人的信息会被保密；"
            "违法行为两年内没被发现也没被投诉的，不再查处，所以请别拖。",
            (
                "labor_inspection_regulations:9",
                "labor_inspection_regulations:11",
                "labor_inspection_regulations:20",
            ),
        ),
        *_legal_aid(topics),
    ]
    if case.province == "山东省":
        paragraphs.append(
            Paragraph(
                "山东各市可以设立女职工劳动人事争议维权接待日，集中提供政策咨询、协助申请法律援助，律师服务可以即时办理或预约办理。",
                ("shandong_women_station_notice:4.5",),
            )
        )
    paragraphs.append(
        Paragraph(
            f"{NOT_A_LAWYER}需要律师当面帮您看证据、写仲裁申请的，我可以帮您预约维权接待日或法律援助咨询，也可以转人工。"
        )
    )
    text, citations = cited_text(paragraphs, title="找谁帮忙")
    return Say(text, citations, booking_buttons())


def dispute_path(case: Case, *, topic: str | None = None, today: date) -> list[Say]:
    """The steps of a labour dispute and who helps, for her case (``topic``: the problem
    she asked about when no walkthrough preceded, e.g. ``wage_arrears``)."""
    return [_steps(case, topic, today), _helpers(case, topic)]
