"""The walkthrough asks only for what a case still needs, in a fixed order, then reviews."""

from __future__ import annotations

from datetime import date

import pytest

from flows.actions import case as C
from flows.actions.case import Case, infer_period

TODAY = date(2026, 11, 25)


def case(**values: object) -> Case:
    return Case.from_slots(values)


@pytest.mark.parametrize(
    ("values", "needed"),
    [
        pytest.param(
            {"period": "pregnancy", "case_topics": ["checkup"]},
            ["province", "pregnancy_weeks"],
            id="pregnancy",
        ),
        pytest.param(
            {"period": "maternity", "province": "湖北省", "case_topics": ["leave"]},
            ["province", "birth_date", "babies", "birth_type"],
            id="maternity",
        ),
        pytest.param(
            {"period": "nursing", "case_topics": ["nursing"]},
            ["province", "birth_date", "babies"],
            id="nursing",
        ),
        pytest.param(
            {"period": "maternity", "province": "浙江省", "case_topics": ["leave"]},
            ["province", "birth_date", "babies", "birth_type", "birth_order"],
            id="province-whose-extra-days-depend-on-birth-order",
        ),
        pytest.param(
            {"case_topics": []},
            ["period", "province", "employer_action"],
            id="nothing-known",
        ),
        pytest.param(
            {"period": "maternity", "case_topics": ["allowance"]},
            ["province", "birth_date", "babies", "birth_type", "insured", "monthly_wage"],
            id="allowance",
        ),
        pytest.param(
            {
                "period": "pregnancy",
                "employer_action": "dismissal",
                "dismissal_status": "dismissed",
                "case_topics": ["dismissal"],
            },
            ["province", "pregnancy_weeks", "dismissal_status", "event_date"],
            id="dismissed-needs-the-date",
        ),
        pytest.param(
            {
                "period": "nursing",
                "employer_action": "dismissal",
                "dismissal_status": "not_renewed",
                "case_topics": ["dismissal"],
            },
            ["province", "birth_date", "dismissal_status", "contract_end"],
            id="not-renewed-needs-the-contract-end-not-the-babies",
        ),
    ],
)
def test_each_period_needs_its_own_questions(values: dict[str, object], needed: list[str]) -> None:
    assert case(**values).needed() == needed


def test_what_the_first_message_said_is_not_asked_again() -> None:
    known = case(period="pregnancy", province="山东省", pregnancy_weeks="21", case_topics=["leave"])
    assert known.missing() == []
    assert known.next_question() == C.CONFIRMED


def test_a_due_date_answers_the_question_about_the_months() -> None:
    assert case(period="pregnancy", due_date="2027-04-01").answered(C.PREGNANCY_WEEKS)
    assert case(period="maternity", due_date="2026-12-20").answered(C.BIRTH_DATE)
    assert not case(period="nursing", due_date="2026-12-20").answered(C.BIRTH_DATE)


def test_the_review_comes_after_every_fact_and_nothing_after_the_confirmation() -> None:
    full = case(
        period="nursing",
        province="北京市",
        birth_date="2026-05-20",
        babies="1",
        case_topics=["nursing"],
    )
    assert full.next_question() == C.CONFIRMED
    assert full.with_values({C.FIX: C.FIX_PENDING}).next_question() == C.FIX
    assert full.with_values({C.CONFIRMED: True}).next_question() is None


def test_unknown_counts_as_an_answer_so_the_question_is_never_repeated() -> None:
    known = case(
        period="pregnancy", province="山东省", pregnancy_weeks=C.UNKNOWN, case_topics=["checkup"]
    )
    assert known.missing() == []
    assert known.date(C.DUE_DATE) is None


@pytest.mark.parametrize(
    ("values", "topic", "period"),
    [
        pytest.param({"pregnancy_weeks": "21"}, "dismissal", "pregnancy", id="months-pregnant"),
        pytest.param({"due_date": "2027-03-01"}, "leave", "pregnancy", id="due-date-ahead"),
        pytest.param({"birth_date": "2026-03-10"}, "nursing", "nursing", id="nursing-question"),
        pytest.param({"birth_date": "2026-10-01"}, "dismissal", "maternity", id="baby-weeks-old"),
        pytest.param({"birth_date": "2026-02-01"}, "pay_cut", "nursing", id="baby-months-old"),
        pytest.param({"birth_date": "2026-02-01"}, "leave", "maternity", id="leave-question"),
        pytest.param({}, "checkup", "pregnancy", id="checkup-implies-pregnancy"),
        pytest.param({}, "dismissal", None, id="nothing-to-tell"),
        pytest.param(
            {"period": "nursing", "pregnancy_weeks": "21"}, "leave", "nursing", id="stated"
        ),
    ],
)
def test_the_period_is_inferred_from_what_she_said(
    values: dict[str, object], topic: str, period: str | None
) -> None:
    assert infer_period(case(**values), topic, today=TODAY) == period


def test_going_back_to_a_question_clears_every_fact_it_collected() -> None:
    assert C.cleared_by(C.PREGNANCY_WEEKS) == (C.PREGNANCY_WEEKS, C.DUE_DATE)
    assert C.cleared_by(C.PROVINCE) == (C.PROVINCE,)


def test_an_unusable_period_reads_as_unknown() -> None:
    assert case(period="all").period is None


def test_all_three_periods_is_not_an_answer_to_which_period() -> None:
    known = case(period="all", province="山东省", case_topics=["dismissal"])
    assert known.next_question() == C.PERIOD
