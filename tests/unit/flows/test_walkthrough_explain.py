"""The tailored explanation and the dispute path: her dates and amounts, each rule cited."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from flows.actions.case import Case
from flows.actions.dispute import dispute_path
from flows.actions.explain import explain
from knowledge.loader import load_knowledge

TODAY = date(2026, 11, 25)
ACTIONS = Path(__file__).resolve().parents[3] / "flows" / "actions"
WALKTHROUGH_MODULES = ("questions", "explain", "employer", "dispute", "start", "care", "progress")
ART_42 = "《中华人民共和国劳动合同法》第四十二条"
#: Lines that give advice or name what to keep, and state no rule.
ADVICE = ("【", "请保存好", "我是智能助手", "想了解", "以上日期", "需要律师")

SHANDONG_THREATENED = {
    "period": "pregnancy",
    "province": "山东省",
    "pregnancy_weeks": "21",
    "employer_action": "dismissal",
    "dismissal_status": "threatened",
    "case_topics": ["dismissal"],
    "case_confirmed": True,
}
HUBEI_TWINS = {
    "period": "maternity",
    "province": "湖北省",
    "birth_date": "2026-03-10",
    "babies": "2",
    "birth_type": "顺产",
    "employer_action": "none",
    "case_topics": ["leave"],
    "case_confirmed": True,
}
BEIJING_NURSING = {
    "period": "nursing",
    "province": "北京市",
    "birth_date": "2026-05-20",
    "babies": "1",
    "employer_action": "nursing_denied",
    "case_topics": ["nursing"],
    "case_confirmed": True,
}


def said(slots: dict[str, object]) -> str:
    return "\n".join(message.text for message in explain(Case.from_slots(slots), today=TODAY))


def test_hubei_twins_leave_ends_on_the_computed_day() -> None:
    text = said(HUBEI_TWINS)
    # 98 national + 15 for the second baby + 60 Hubei days, from 15 days before the birth
    assert "湖北省共173天" in text
    assert "从2026年2月23日开始，最后一天是2026年8月14日" in text
    assert "每天要在劳动时间内给您安排2小时哺乳时间" in text  # twins: one hour more


def test_shandong_pregnant_worker_threatened_with_dismissal() -> None:
    messages = explain(Case.from_slots(SHANDONG_THREATENED), today=TODAY)
    text = "\n".join(m.text for m in messages)
    assert ART_42 in messages[0].citations
    assert "别签“自愿离职”" in text
    assert "怀孕满7个月以后（按您的情况大约从2027年1月27日起）" in text
    assert "山东省共158天" in text
    assert "速裁" in text
    assert "不是律师" in text and "律师或申请法律援助" in text
    assert [b.title for b in messages[-1].buttons] == ["下一步怎么维权", "预约维权接待日", "转人工"]


def test_beijing_worker_refused_her_nursing_hour() -> None:
    text = said(BEIJING_NURSING)
    assert "每天要在劳动时间内给您安排1小时哺乳时间，到宝宝满1周岁（2027年5月20日）为止" in text
    assert "1000元以上5000元以下罚款" in text and "劳动保障监察" in text
    assert "速裁" not in text  # Shandong's fast track is not promised elsewhere


@pytest.mark.parametrize(
    "slots",
    [SHANDONG_THREATENED, HUBEI_TWINS, BEIJING_NURSING],
    ids=["pregnancy", "maternity", "nursing"],
)
def test_every_statement_of_a_rule_carries_its_citation(slots: dict[str, object]) -> None:
    for message in explain(Case.from_slots(slots), today=TODAY):
        for line in message.text.splitlines():
            if not line.startswith(ADVICE):
                assert "〔依据：" in line, line
        assert message.citations


def test_the_allowance_is_estimated_when_she_gives_a_wage() -> None:
    slots = {**HUBEI_TWINS, "case_topics": ["allowance"], "insured": "yes", "monthly_wage": "6000"}
    text = said(slots)
    assert "按您说的月工资6000.00元粗略估算" in text
    assert "元" in text and "生育保险基金" in text


def test_the_employer_pays_when_she_was_not_insured() -> None:
    slots = {**HUBEI_TWINS, "case_topics": ["allowance"], "insured": "no", "monthly_wage": "5000"}
    assert "由单位按您产假前的工资标准支付" in said(slots)


def test_dismissed_worker_learns_her_last_day_to_apply_for_arbitration() -> None:
    slots = {**SHANDONG_THREATENED, "dismissal_status": "dismissed", "event_date": "2026-11-03"}
    text = said(slots)
    assert "从2026年11月3日算起，最晚要在2027年11月3日之前申请" in text
    assert "两倍支付赔偿金" in text


def test_a_contract_ending_in_the_protected_period_is_extended() -> None:
    slots = {
        **BEIJING_NURSING,
        "employer_action": "dismissal",
        "dismissal_status": "not_renewed",
        "contract_end": "2026-12-31",
        "case_topics": ["dismissal"],
    }
    assert "合同要顺延到宝宝满1周岁（2027年5月20日）才终止" in said(slots)


def test_dates_estimated_from_months_pregnant_say_so() -> None:
    assert "以上日期是按怀孕月份估算的" in said(SHANDONG_THREATENED)


def test_the_dispute_path_has_four_steps_with_limits_costs_and_helpers() -> None:
    slots = {**SHANDONG_THREATENED, "dismissal_status": "dismissed", "event_date": "2026-11-03"}
    steps, helpers = dispute_path(Case.from_slots(slots), today=TODAY)
    order = [
        steps.text.index(word)
        for word in ("第一步，协商", "第二步，调解", "第三步，仲裁", "第四步，诉讼")
    ]
    assert order == sorted(order)
    assert "劳动仲裁不收费" in steps.text and "15日内" in steps.text
    assert "最晚要在2027年11月3日之前申请" in steps.text
    assert "速裁" in steps.text and "“仲裁+妇联”" in steps.text
    for hotline in ("12333", "12338", "12351", "12348", "劳动保障监察"):
        assert hotline in helpers.text
    assert "法律援助" in helpers.text and "经济困难" in helpers.text
    payloads = [b.payload for b in helpers.buttons]
    assert '/book_appointment{"service":"reception_day"}' in payloads
    assert '/book_appointment{"service":"legal_aid"}' in payloads


def test_unpaid_wages_during_employment_have_no_one_year_limit() -> None:
    steps, _ = dispute_path(Case.from_slots({}), topic="wage_arrears", today=TODAY)
    assert "在职期间追讨拖欠的工资不受一年的限制" in steps.text
    assert "支付令" in steps.text
    assert "速裁" not in steps.text


def test_every_provision_the_walkthrough_cites_is_in_the_knowledge_base() -> None:
    """``replies.labels`` leaves out an unknown id; this makes sure none is ever left out."""
    provisions = load_knowledge().provisions
    pattern = re.compile(r'"([a-z][a-z_]*:(?:\d+(?:\.\d+)?|annex\.\d+))"')
    cited = {
        match
        for name in WALKTHROUGH_MODULES
        for match in pattern.findall((ACTIONS / f"{name}.py").read_text(encoding="utf-8"))
    }
    assert len(cited) > 40
    assert sorted(cited - provisions.keys()) == []
