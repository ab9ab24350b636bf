"""The 三期 protected period and the contract extension.

《劳动合同法》第四十二条第四项 (no dismissal under 第四十条/第四十一条 in pregnancy, maternity
or nursing), 第四十五条 (a contract expiring inside the period continues until it ends);
the nursing period ends on the child's first birthday (特别规定第九条; 民法典第二百零二条).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from knowledge.calculators.protection import protected_period
from knowledge.errors import InvalidFactsError


@pytest.mark.parametrize(
    ("facts", "end", "extended_to"),
    [
        # contract ends during maternity leave → continues to the first birthday (第四十五条)
        pytest.param(
            {"birth_date": date(2025, 3, 8), "contract_end": date(2025, 4, 30)},
            date(2026, 3, 8),
            date(2026, 3, 8),
            id="ends-in-maternity-leave",
        ),
        # contract ends during pregnancy
        pytest.param(
            {
                "birth_date": date(2025, 3, 8),
                "pregnancy_date": date(2024, 7, 1),
                "contract_end": date(2024, 12, 31),
            },
            date(2026, 3, 8),
            date(2026, 3, 8),
            id="ends-in-pregnancy",
        ),
        # contract ends after the child's first birthday: nothing to extend
        pytest.param(
            {"birth_date": date(2025, 3, 8), "contract_end": date(2026, 6, 30)},
            date(2026, 3, 8),
            None,
            id="ends-after-period",
        ),
        # contract ended before the pregnancy: not extended
        pytest.param(
            {
                "birth_date": date(2025, 3, 8),
                "pregnancy_date": date(2024, 7, 1),
                "contract_end": date(2024, 6, 30),
            },
            date(2026, 3, 8),
            None,
            id="ended-before-pregnancy",
        ),
        # child born 29 February: period ends 28 February (民法典第二百零二条)
        pytest.param(
            {"birth_date": date(2024, 2, 29), "contract_end": date(2024, 12, 31)},
            date(2025, 2, 28),
            date(2025, 2, 28),
            id="born-29-feb",
        ),
        # not yet born: estimated from the due date
        pytest.param(
            {"due_date": date(2025, 9, 1), "contract_end": date(2025, 6, 30)},
            date(2026, 9, 1),
            date(2026, 9, 1),
            id="due-date-estimate",
        ),
    ],
)
def test_period_and_extension(facts: dict[str, Any], end: date, extended_to: date | None) -> None:
    result = protected_period(**facts)
    assert result.end_date == end
    assert result.contract_extended_to == extended_to
    assert ("labor_contract_law:45" in result.basis) is (extended_to is not None)
    assert "labor_contract_law:42" in result.basis


def test_due_date_result_is_marked_as_estimate() -> None:
    result = protected_period(due_date=date(2025, 9, 1))
    assert result.end_is_estimate
    assert any("预产期" in note for note in result.notes)


def test_result_warns_that_misconduct_dismissal_is_not_barred() -> None:
    result = protected_period(birth_date=date(2025, 3, 8))
    assert any("第三十九条" in note for note in result.notes)


@pytest.mark.parametrize(
    ("on_date", "protected"),
    [
        pytest.param(date(2024, 6, 30), False, id="before-pregnancy"),
        pytest.param(date(2024, 7, 1), True, id="pregnancy-day"),
        pytest.param(date(2026, 3, 8), True, id="first-birthday"),
        pytest.param(date(2026, 3, 9), False, id="after-first-birthday"),
    ],
)
def test_protected_on(on_date: date, protected: bool) -> None:
    result = protected_period(
        birth_date=date(2025, 3, 8), pregnancy_date=date(2024, 7, 1), on_date=on_date
    )
    assert result.protected_on is protected


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({}, id="no-dates"),
        pytest.param(
            {"birth_date": date(2025, 3, 8), "pregnancy_date": date(2025, 4, 1)},
            id="pregnant-after-birth",
        ),
    ],
)
def test_bad_facts(facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidFactsError):
        protected_period(**facts)
