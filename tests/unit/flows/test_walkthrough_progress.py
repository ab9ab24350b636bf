"""Each turn of the walkthrough form: answers, corrections, 上一步, 为什么, asides, failures."""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.actions import case as C
from flows.actions.case import Case
from flows.actions.progress import HANDOFF_TEXT, Progress, advance, resume
from flows.actions.reading import Message

TODAY = date(2026, 11, 25)
HUBEI_MOTHER = {
    "period": "maternity",
    "province": "山东省",
    "birth_date": "2026-03-10",
    "case_topics": ["leave"],
    "employer_action": "none",
    "case_history": ["birth_date"],
}


def step(
    slots: dict[str, Any],
    text: str,
    requested: str | None,
    *entities: dict[str, str],
    intent: str = "inform",
    confidence: float = 0.9,
    before: dict[str, Any] | None = None,
) -> Progress:
    """One turn; ``slots`` are the slots after the engine filled period/province."""
    message = Message(text, intent, confidence, tuple(entities))
    known = before if before is not None else {k: slots.get(k) for k in ("period", "province")}
    return advance(Case.from_slots(slots), message, requested=requested, before=known, today=TODAY)


def texts(progress: Progress) -> str:
    return "\n".join(say.text for say in progress.messages)


def test_an_answer_is_recorded_and_the_next_question_asked() -> None:
    progress = step(HUBEI_MOTHER, "两个", C.BABIES)
    assert progress.updates[C.BABIES] == "2"
    assert progress.updates[C.HISTORY] == ["birth_date", "babies"]
    assert progress.requested == C.BIRTH_TYPE
    assert [b.title for b in progress.messages[-1].buttons] == ["顺产", "剖宫产", "难产"]


def test_a_corrected_province_is_acknowledged_and_the_walkthrough_goes_on() -> None:
    slots = {**HUBEI_MOTHER, "province": "湖北省"}  # the engine filled it from the entity
    progress = step(
        slots,
        "不对，我在湖北",
        C.BABIES,
        {"entity": "province", "value": "湖北省"},
        intent="deny",
        before={"period": "maternity", "province": "山东省"},
    )
    assert progress.updates[C.PROVINCE] == "湖北省"
    assert "已把工作所在省份改为湖北省" in texts(progress)
    assert progress.requested == C.BABIES  # the question is asked again
    assert not progress.reject


def test_twins_at_the_review_change_the_review() -> None:
    slots = {**HUBEI_MOTHER, "babies": "1", "birth_type": "顺产", "province": "湖北省"}
    progress = step(slots, "是双胞胎", C.CONFIRMED, {"entity": "babies", "value": "2"})
    assert progress.updates[C.BABIES] == "2"
    assert progress.requested == C.CONFIRMED
    said = texts(progress)
    assert "宝宝数量改为2个（双胞胎）" in said
    assert "我记下的是" in said and "· 宝宝数量：2个（双胞胎）" in said


def test_nothing_is_computed_before_she_confirms_the_review() -> None:
    slots = {**HUBEI_MOTHER, "babies": "2", "province": "湖北省"}
    progress = step(slots, "顺产", C.BIRTH_TYPE)
    assert progress.requested == C.CONFIRMED and not progress.finish
    assert texts(progress).endswith("比如“不对，我在湖北”。")
    confirmed = step({**slots, "birth_type": "顺产"}, "对", C.CONFIRMED, intent="affirm")
    assert confirmed.finish and confirmed.updates[C.CONFIRMED] is True


def test_no_at_the_review_asks_which_fact_to_change() -> None:
    slots = {**HUBEI_MOTHER, "babies": "2", "birth_type": "顺产", "province": "湖北省"}
    progress = step(slots, "不对", C.CONFIRMED, intent="deny")
    assert progress.requested == C.FIX
    payloads = [b.payload for b in progress.messages[-1].buttons]
    assert '/go_back{"case_field": "province"}' in payloads
    picked = step(
        {**slots, C.FIX: C.FIX_PENDING},
        "/go_back",
        C.FIX,
        {"entity": "case_field", "value": "province"},
        intent="go_back",
    )
    assert picked.updates[C.PROVINCE] is None and picked.requested == C.PROVINCE


def test_go_back_empties_the_last_answer_and_asks_it_again() -> None:
    slots = {**HUBEI_MOTHER, "babies": "2", "case_history": ["birth_date", "babies"]}
    progress = step(slots, "上一步", C.BIRTH_TYPE, intent="go_back")
    assert progress.updates[C.BABIES] is None
    assert progress.updates[C.HISTORY] == ["birth_date"]
    assert progress.requested == C.BABIES
    assert "回到上一步" in texts(progress)


def test_go_back_at_the_first_question_says_so_and_asks_again() -> None:
    slots = {**HUBEI_MOTHER, "case_history": []}
    progress = step(slots, "上一步", C.BABIES, intent="go_back")
    assert progress.requested == C.BABIES
    assert "第一个问题" in texts(progress)


def test_why_explains_with_its_legal_basis_then_asks_again() -> None:
    progress = step(HUBEI_MOTHER, "为什么要问这个", C.BABIES, intent="ask_why")
    why, question = progress.messages
    assert why.text.startswith("问这个是因为")
    assert "《女职工劳动保护特别规定》第七条第一款" in why.citations
    assert question.text.startswith("这次生了几个宝宝")
    assert progress.requested == C.BABIES and not progress.reject


def test_an_unrelated_question_is_handed_to_the_rules() -> None:
    progress = step(HUBEI_MOTHER, "请不起律师怎么办", C.BABIES, intent="legal_aid")
    assert progress.reject and not progress.messages


def test_a_question_that_also_answers_is_taken_as_the_answer() -> None:
    progress = step(
        HUBEI_MOTHER,
        "双胞胎的产假有多少天",
        C.BABIES,
        {"entity": "babies", "value": "2"},
        intent="maternity_leave",
    )
    assert not progress.reject and progress.updates[C.BABIES] == "2"


def test_a_doubtful_classification_is_not_taken_for_a_question() -> None:
    progress = step(HUBEI_MOTHER, "嗯嗯那个", C.BABIES, intent="legal_aid", confidence=0.35)
    assert not progress.reject and progress.updates[C.FAILURES] == 1


def test_an_unusable_period_from_an_aside_is_put_back() -> None:
    slots = {**HUBEI_MOTHER, "period": "all"}  # "三期" in her aside
    progress = step(
        slots,
        "三期的规定有哪些",
        C.BABIES,
        intent="hotline_info",
        before={"period": "maternity", "province": "山东省"},
    )
    assert progress.reject and progress.updates == {"period": "maternity"}


def test_one_misunderstanding_explains_how_to_answer() -> None:
    progress = step(HUBEI_MOTHER, "啊这个", C.BABIES, intent="nlu_fallback", confidence=0.2)
    assert progress.updates[C.FAILURES] == 1 and progress.requested == C.BABIES
    assert texts(progress).startswith("抱歉")


def test_two_misunderstandings_in_a_row_hand_over_to_a_person() -> None:
    slots = {**HUBEI_MOTHER, "case_failures": 1}
    progress = step(slots, "啊这个", C.BABIES, intent="nlu_fallback", confidence=0.2)
    assert progress.finish and progress.requested is None
    [message] = progress.messages
    assert message.text == HANDOFF_TEXT and message.as_json()["handoff"] == "fallback"


def test_an_answer_resets_the_count_of_misunderstandings() -> None:
    progress = step({**HUBEI_MOTHER, "case_failures": 1}, "一个", C.BABIES)
    assert progress.updates[C.FAILURES] == 0


def test_i_do_not_know_is_accepted_where_it_can_be() -> None:
    slots = {
        "period": "pregnancy",
        "province": "山东省",
        "pregnancy_weeks": "21",
        "employer_action": "dismissal",
        "dismissal_status": "dismissed",
        "case_topics": ["dismissal"],
    }
    progress = step(slots, "记不清了", C.EVENT_DATE, intent="deny")
    assert progress.updates[C.EVENT_DATE] == C.UNKNOWN
    assert progress.requested == C.CONFIRMED


def test_she_can_stop_and_keep_what_she_said() -> None:
    progress = step(HUBEI_MOTHER, "不算了", C.BABIES, intent="deny")
    assert progress.finish and "记下了" in texts(progress)
    assert C.PROVINCE not in progress.updates


def test_coming_back_after_an_aside_asks_the_same_question_again() -> None:
    progress = resume(Case.from_slots({**HUBEI_MOTHER, "babies": "2"}))
    assert progress.requested == C.BIRTH_TYPE
    assert progress.messages[0].text.startswith("是顺产、剖宫产")


def test_a_question_of_the_walkthrough_answered_mid_way_adds_its_topic() -> None:
    progress = step(
        HUBEI_MOTHER,
        "一个，生育津贴怎么算",
        C.BABIES,
        {"entity": "babies", "value": "1"},
        intent="maternity_allowance",
    )
    assert progress.updates[C.TOPICS] == ["leave", "allowance"]


def test_one_baby_is_not_taken_for_go_back_when_the_classifier_is_unsure() -> None:
    """ "一个" looks like "上一个问题" to the classifier; her words decide."""
    progress = step(HUBEI_MOTHER, "一个", C.BABIES, intent="go_back", confidence=0.45)
    assert progress.updates[C.BABIES] == "1" and progress.requested == C.BIRTH_TYPE


def test_a_button_title_typed_at_the_review_is_understood_whatever_its_intent() -> None:
    slots = {**HUBEI_MOTHER, "babies": "2", "birth_type": "顺产"}
    progress = step(slots, "有要改的", C.CONFIRMED, intent="reschedule_appointment")
    assert not progress.reject and progress.requested == C.FIX
