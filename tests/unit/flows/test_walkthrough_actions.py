"""The Rasa actions of the walkthrough: what they say and which events they return."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from flows.actions import case as C
from flows.actions.care import ActionCare
from flows.actions.repair import ActionReopenWalkthrough, ActionWelcomeBack
from flows.actions.start import INTRO
from flows.actions.walkthrough import (
    FORM,
    ActionFinishWalkthrough,
    ActionStartWalkthrough,
    ValidateWalkthroughForm,
    slots_before_latest_message,
)

ART_42 = "《中华人民共和国劳动合同法》第四十二条"
SHANDONG = "我在山东，怀孕五个月了，公司说要辞退我"


def tracker(
    text: str,
    intent: str,
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    active: bool = False,
    ranking: list[tuple[str, float]] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 0.95)])],
        "entities": entities or [],
    }
    user = {"event": "user", "text": text, "parse_data": latest}
    return Tracker(
        "cli:worker",
        slots or {},
        latest,
        events if events is not None else [user],
        False,
        None,
        {"name": FORM} if active else {},
        "action_listen",
    )


async def one_problem(clause: str) -> dict[str, Any]:
    """The engine's parse of a clause, as the second-problem search asks for it."""
    return {"intent_ranking": [{"name": "inform", "confidence": 0.9}]}


def start(parse: Any = one_problem) -> ActionStartWalkthrough:
    return ActionStartWalkthrough(parse=parse)


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_the_first_message_fills_what_it_says_and_answers_in_short() -> None:
    entities = [
        {"entity": "province", "value": "山东省"},
        {"entity": "period", "value": "pregnancy"},
        {"entity": "pregnancy_weeks", "value": "五个月"},
    ]
    messages, events = await run(
        start(),
        tracker(
            SHANDONG, "three_period_dismissal", entities=entities, slots={"period": "pregnancy"}
        ),
    )
    slots = slot_events(events)
    assert slots[C.PROVINCE] == "山东省"
    assert slots[C.PREGNANCY_WEEKS] == "21"
    assert slots[C.EMPLOYER_ACTION] == "dismissal"
    assert slots[C.DISMISSAL_STATUS] == "threatened"
    assert slots[C.TOPICS] == ["dismissal"]
    assert slots[C.STAGE] == "active" and slots[C.CONFIRMED] is None
    [opening] = messages
    assert ART_42 in opening["custom"]["citations"]
    assert INTRO in opening["custom"]["text"]
    assert "您已经告诉我" in opening["custom"]["text"]


async def test_a_province_set_by_the_operator_is_normalised() -> None:
    _, events = await run(
        start(),
        tracker("产假有多少天", "maternity_leave", slots={"province": "山东"}),
    )
    assert slot_events(events)[C.PROVINCE] == "山东省"
    assert slot_events(events)[C.PERIOD] == "maternity"


async def test_a_second_walkthrough_question_mid_way_adds_a_topic() -> None:
    slots = {"period": "maternity", C.TOPICS: ["leave"], C.EMPLOYER_ACTION: "none"}
    messages, events = await run(
        start(),
        tracker("生育津贴怎么算", "maternity_allowance", slots=slots, active=True),
    )
    assert slot_events(events)[C.TOPICS] == ["leave", "allowance"]
    assert C.HISTORY not in slot_events(events)  # the walkthrough goes on, not restarted
    assert "问完后和您刚才问的一起" in messages[0]["custom"]["text"]


async def test_the_form_reads_a_new_message_as_the_answer() -> None:
    slots = {
        "period": "nursing",
        "province": "北京市",
        C.TOPICS: ["nursing"],
        "requested_slot": "birth_date",
    }
    events = [
        {"event": "slot", "name": "period", "value": "nursing"},
        {"event": "slot", "name": "province", "value": "北京市"},
        {"event": "user", "text": "2026年5月20日"},
        {"event": "action", "name": FORM},
    ]
    t = tracker("2026年5月20日", "inform", slots=slots, events=events, active=True)
    messages, result = await run(ValidateWalkthroughForm(), t)
    assert slot_events(result)["birth_date"] == "2026-05-20"
    assert slot_events(result)["requested_slot"] == "babies"
    assert messages[-1]["custom"]["text"].startswith("宝宝是一个，还是双胞胎")


async def test_after_an_aside_the_form_only_asks_again() -> None:
    slots = {
        "period": "nursing",
        "province": "北京市",
        C.TOPICS: ["nursing"],
        "requested_slot": "birth_date",
    }
    events = [
        {"event": "user", "text": "请不起律师怎么办"},
        {"event": "action", "name": "action_answer_question"},
        {"event": "bot", "text": "…"},
        {"event": "action", "name": FORM},
    ]
    t = tracker("请不起律师怎么办", "legal_aid", slots=slots, events=events, active=True)
    messages, result = await run(ValidateWalkthroughForm(), t)
    assert slot_events(result) == {"case_failures": 0, "requested_slot": "birth_date"}
    assert messages[0]["custom"]["text"].startswith("回到刚才的问题：\n宝宝是哪天出生的")


async def test_an_aside_is_rejected_so_that_the_rules_answer_it() -> None:
    slots = {"period": "nursing", C.TOPICS: ["nursing"], "requested_slot": "province"}
    events = [{"event": "user", "text": "请不起律师怎么办"}, {"event": "action", "name": FORM}]
    t = tracker("请不起律师怎么办", "legal_aid", slots=slots, events=events, active=True)
    messages, result = await run(ValidateWalkthroughForm(), t)
    assert messages == []
    assert result[-1] == {
        "event": "action_execution_rejected",
        "name": FORM,
        "policy": None,
        "confidence": None,
        "timestamp": None,
    }


def test_slots_before_the_latest_message_are_read_from_the_events() -> None:
    events = [
        {"event": "slot", "name": "province", "value": "山东省"},
        {"event": "user", "text": "不对，我在湖北"},
        {"event": "slot", "name": "province", "value": "湖北省"},
    ]
    t = tracker("不对，我在湖北", "deny", events=events)
    assert slots_before_latest_message(t, ("period", "province")) == {
        "period": None,
        "province": "山东省",
    }


async def test_the_explanation_comes_only_after_the_confirmed_review() -> None:
    case = {
        "period": "maternity",
        "province": "湖北省",
        "birth_date": "2026-03-10",
        "babies": "2",
        "birth_type": "顺产",
        C.TOPICS: ["leave"],
        C.EMPLOYER_ACTION: "none",
    }
    messages, events = await run(ActionFinishWalkthrough(), tracker("", "affirm", slots=case))
    assert messages == [] and events == []
    messages, events = await run(
        ActionFinishWalkthrough(), tracker("", "affirm", slots={**case, C.CONFIRMED: True})
    )
    assert len(messages) == 3 and "湖北省共173天" in messages[0]["custom"]["text"]
    assert slot_events(events)[C.STAGE] == "explained"


async def test_harassment_gets_empathy_first_then_rights_12338_and_a_person() -> None:
    messages, _ = await run(ActionCare(), tracker("领导老是对我动手动脚", "sexual_harassment"))
    answer, offer = (m["custom"] for m in messages)
    assert answer["text"].startswith("发生这样的事，不是您的错")
    assert answer["citations"]
    assert "12338" in offer["text"] and "不是律师" in offer["text"]
    assert offer["buttons"][0] == {"title": "转人工", "payload": "/human_handoff"}


async def test_a_returning_worker_finds_her_case_remembered() -> None:
    case = {
        "period": "pregnancy",
        "province": "山东省",
        "pregnancy_weeks": "21",
        C.EMPLOYER_ACTION: "dismissal",
        C.TOPICS: ["dismissal"],
        C.STAGE: "explained",
    }
    [message], _ = await run(ActionWelcomeBack(), tracker("你好", "greet", slots=case))
    text = message["custom"]["text"]
    assert "欢迎回来" in text and "山东省" in text and "怀孕约5个月" in text
    [message], _ = await run(ActionWelcomeBack(), tracker("你好", "greet", slots=case, active=True))
    assert "接着上次的问题" in message["custom"]["text"]


async def test_twins_after_the_explanation_reopen_the_review() -> None:
    case = {"period": "maternity", "province": "湖北省", "babies": "1", C.STAGE: "explained"}
    messages, events = await run(
        ActionReopenWalkthrough(),
        tracker(
            "其实是双胞胎", "inform", entities=[{"entity": "babies", "value": "2"}], slots=case
        ),
    )
    slots = slot_events(events)
    assert slots[C.BABIES] == "2" and slots[C.CONFIRMED] is None and slots[C.STAGE] == "active"
    assert "宝宝数量改为2个（双胞胎）" in messages[0]["custom"]["text"]


async def test_distress_in_the_same_message_is_acknowledged_before_any_question() -> None:
    async def clauses(clause: str) -> dict[str, Any]:
        name = "emotional_support" if "撑不下去" in clause else "three_period_dismissal"
        return {"intent_ranking": [{"name": name, "confidence": 0.9}]}

    messages, _ = await run(
        start(clauses),
        tracker("我快撑不下去了，怀孕了公司还要辞退我", "three_period_dismissal"),
    )
    first = messages[0]["custom"]
    assert first["text"].startswith("听起来您现在真的很难受")
    assert "12338" in first["text"] and first["buttons"][0]["payload"] == "/human_handoff"
    assert ART_42 in messages[1]["custom"]["citations"]


async def test_facts_told_outside_a_question_open_the_matching_walkthrough() -> None:
    """The engine takes "宝宝5月20日出生，单位不给我哺乳时间" for a bare answer (inform)."""
    entities = [
        {"entity": "province", "value": "北京市"},
        {"entity": "date", "value": "2026年5月20日", "role": "birth", "start": 7, "end": 17},
    ]
    text = "我在北京上班，宝宝2026年5月20日出生，单位不给我哺乳时间"
    messages, events = await run(start(), tracker(text, "inform", entities=entities))
    slots = slot_events(events)
    assert slots[C.TOPICS] == ["nursing"] and slots[C.EMPLOYER_ACTION] == "nursing_denied"
    assert slots[C.PERIOD] == "nursing" and slots[C.BIRTH_DATE] == "2026-05-20"
    assert "哺乳" in messages[0]["custom"]["text"] and messages[0]["custom"]["citations"]


async def test_facts_without_a_problem_leave_the_employer_question_open() -> None:
    _, events = await run(
        start(),
        tracker("我在哺乳期", "inform", entities=[{"entity": "period", "value": "nursing"}]),
    )
    slots = slot_events(events)
    assert slots[C.TOPICS] == [] and slots[C.EMPLOYER_ACTION] is None


async def test_a_bare_answer_that_tells_nothing_opens_no_walkthrough() -> None:
    messages, events = await run(start(), tracker("zzzz", "inform"))
    assert [m["response"] for m in messages] == ["utter_default"]
    assert slot_events(events) == {C.STAGE: None}


async def test_the_second_message_in_a_row_not_understood_hands_over() -> None:
    earlier = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}, "entities": []}}
    now = {"event": "user", "parse_data": {"intent": {"name": "inform"}, "entities": []}}
    messages, _ = await run(start(), tracker("zzzz", "inform", events=[earlier, now]))
    assert messages[0]["custom"]["handoff"] == "fallback"
