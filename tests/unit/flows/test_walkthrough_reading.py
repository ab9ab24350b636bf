"""Her answer is read as the answer to the question just asked."""

from __future__ import annotations

from datetime import date

import pytest

from flows.actions import case as C
from flows.actions.case import Case
from flows.actions.reading import Message, read

TODAY = date(2026, 11, 25)


def ent(entity: str, value: str, role: str | None = None) -> dict[str, str]:
    found = {"entity": entity, "value": value}
    if role:
        found["role"] = role
    return found


def answer(
    text: str,
    requested: str | None,
    *entities: dict[str, str],
    intent: str = "inform",
    **slots: object,
) -> dict[str, object]:
    reading = read(
        Message(text, intent, 0.9, tuple(entities)),
        requested=requested,
        case=Case.from_slots(slots),
        today=TODAY,
    )
    return {
        "updates": reading.updates,
        "answered": reading.answered,
        "unknown": reading.unknown,
        "stop": reading.stop,
        "estimates": reading.estimates,
        "confirmed": reading.confirmed,
    }


@pytest.mark.parametrize(
    ("text", "entities", "province"),
    [
        pytest.param("武汉", [ent("city", "武汉")], "湖北省", id="city-entity"),
        pytest.param("我在济南上班", [], "山东省", id="city-in-free-text"),
        pytest.param("不对，我在湖北", [ent("province", "湖北省")], "湖北省", id="province"),
        pytest.param("北京朝阳", [], "北京市", id="municipality-and-district"),
    ],
)
def test_a_place_is_read_as_its_province(
    text: str, entities: list[dict[str, str]], province: str
) -> None:
    got = answer(text, C.PROVINCE, *entities)
    assert got["answered"] and got["updates"][C.PROVINCE] == province


def test_a_bare_date_answering_the_birth_question_is_in_the_past() -> None:
    got = answer("3月5号", C.BIRTH_DATE, ent("date", "3月5号", "due"), period="nursing")
    assert got["updates"] == {C.BIRTH_DATE: "2026-03-05"}


def test_the_same_words_answering_the_contract_question_are_in_the_future() -> None:
    got = answer("3月5号", C.CONTRACT_END, ent("date", "3月5号", "event"))
    assert got["updates"] == {C.CONTRACT_END: "2027-03-05"}


def test_not_yet_born_gives_the_due_date_instead() -> None:
    got = answer("还没生，预产期12月20日", C.BIRTH_DATE, period="maternity")
    assert got["answered"] and got["updates"][C.DUE_DATE] == "2026-12-20"
    assert C.BIRTH_DATE not in got["updates"]


def test_the_age_of_the_baby_gives_an_estimated_birth_date() -> None:
    got = answer("宝宝8个月了", C.BIRTH_DATE, period="nursing")
    born = date.fromisoformat(got["updates"][C.BIRTH_DATE])
    assert got["answered"] and C.BIRTH_DATE in got["estimates"]
    assert date(2026, 3, 20) <= born <= date(2026, 3, 31)


def test_months_pregnant_are_read_as_weeks() -> None:
    got = answer("五个月了", C.PREGNANCY_WEEKS, ent("pregnancy_weeks", "五个月"))
    assert got["updates"][C.PREGNANCY_WEEKS] == "21"


def test_a_due_date_answers_the_months_question() -> None:
    got = answer("预产期是明年4月1日", C.PREGNANCY_WEEKS)
    assert got["answered"] and got["updates"] == {C.DUE_DATE: "2027-04-01"}


@pytest.mark.parametrize(
    ("text", "entities", "babies"),
    [
        pytest.param("两个", [], "2", id="words"),
        pytest.param("是双胞胎", [ent("babies", "2")], "2", id="entity"),
        pytest.param("就一个", [], "1", id="one"),
        pytest.param("1个", [ent("babies", "1")], "1", id="button"),
    ],
)
def test_the_number_of_babies(text: str, entities: list[dict[str, str]], babies: str) -> None:
    assert answer(text, C.BABIES, *entities)["updates"][C.BABIES] == babies


@pytest.mark.parametrize(
    ("text", "kind"), [("剖的", "剖宫产"), ("顺产", "顺产"), ("剖腹产，医生说是难产", "难产")]
)
def test_the_birth_type(text: str, kind: str) -> None:
    assert answer(text, C.BIRTH_TYPE)["updates"][C.BIRTH_TYPE] == kind


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("说要辞退我，还没正式通知", "threatened"),
        ("已经被辞退了", "dismissed"),
        ("让我自己写辞职信", "pushed_to_resign"),
        ("合同到期不续签了", "not_renewed"),
    ],
)
def test_what_happened_with_the_dismissal(text: str, status: str) -> None:
    assert answer(text, C.DISMISSAL_STATUS)["updates"][C.DISMISSAL_STATUS] == status


def test_the_employer_refusing_the_nursing_hour() -> None:
    got = answer("单位不给我哺乳时间", C.EMPLOYER_ACTION, intent="nursing_time", period="nursing")
    assert got["updates"][C.EMPLOYER_ACTION] == "nursing_denied"


def test_no_employer_action_is_an_answer_too() -> None:
    got = answer("没有", C.EMPLOYER_ACTION, intent="deny")
    assert got["updates"][C.EMPLOYER_ACTION] == "none"


def test_not_remembering_a_date_is_noted_not_failed() -> None:
    got = answer("记不清了", C.EVENT_DATE, intent="deny")
    assert got["unknown"] and not got["answered"] and not got["stop"]


def test_stopping_the_walkthrough() -> None:
    assert answer("算了不算了", C.BIRTH_TYPE, intent="deny")["stop"]


@pytest.mark.parametrize(("text", "wage"), [("五千块左右", "5000"), ("6000", "6000")])
def test_a_monthly_wage(text: str, wage: str) -> None:
    assert answer(text, C.MONTHLY_WAGE)["updates"][C.MONTHLY_WAGE] == wage


@pytest.mark.parametrize(
    ("text", "intent", "insured"),
    [("交了", "affirm", "yes"), ("没交", "deny", "no"), ("不清楚", "out_of_scope", C.UNKNOWN)],
)
def test_maternity_insurance(text: str, intent: str, insured: str) -> None:
    assert answer(text, C.INSURED, intent=intent)["updates"][C.INSURED] == insured


def test_yes_and_no_at_the_review() -> None:
    assert answer("对", C.CONFIRMED, intent="affirm")["confirmed"] is True
    assert answer("不对", C.CONFIRMED, intent="deny")["confirmed"] is False
    # the button's title typed, whatever the engine made of it
    assert answer("有要改的", C.CONFIRMED, intent="reschedule_appointment")["confirmed"] is False


def test_a_fact_volunteered_while_another_question_is_asked_is_kept() -> None:
    got = answer(
        "不对，我在湖北，而且是双胞胎",
        C.BIRTH_TYPE,
        ent("province", "湖北省"),
        ent("babies", "2"),
    )
    assert got["updates"] == {C.PROVINCE: "湖北省", C.BABIES: "2"}
    assert not got["answered"]


def test_a_date_answer_is_not_also_taken_for_another_role() -> None:
    got = answer("3月5号", C.BIRTH_DATE, ent("date", "3月5号", "due"), period="maternity")
    assert C.DUE_DATE not in got["updates"]


def test_a_traditional_form_in_an_entity_value_is_still_read() -> None:
    got = read(
        Message("我怀孕四个月", "inform", 0.7, ({"entity": "pregnancy_weeks", "value": "四個月"},)),
        requested=None,
        case=Case.from_slots({}),
        today=TODAY,
    )
    assert got.updates[C.PREGNANCY_WEEKS] == "17"


def test_a_date_of_dismissal_in_the_first_message_is_kept() -> None:
    got = answer("上周被公司辞退了", None, employer_action="dismissal")
    assert got["updates"][C.EVENT_DATE] == "2026-11-16"
    assert C.EVENT_DATE in got["estimates"]


def test_months_of_a_baby_are_not_months_of_pregnancy() -> None:
    got = answer("我在北京，宝宝6个月了", None, ent("child_age_months", "6个月"))
    assert C.PREGNANCY_WEEKS not in got["updates"] and C.BIRTH_DATE in got["updates"]
