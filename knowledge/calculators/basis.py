"""The provision ids each calculator cites, in one place.

The statute data must hold every id listed here (a test checks it once the statute files
exist), so a calculator can never cite a provision the knowledge base cannot show.
"""

from __future__ import annotations

__all__ = [
    "ALLOWANCE",
    "ARBITRATION",
    "COMPENSATION",
    "LEAVE",
    "MISCARRIAGE",
    "NURSING",
    "PROTECTION",
]

# 女职工劳动保护特别规定 第七条第一款: 98 days, 15 before birth, 难产 +15, +15 per extra baby.
MATERNITY_LEAVE = "women_protection_rules:7.1"
# 第七条第二款: miscarriage leave, 15 days (< 4 months) / 42 days (>= 4 months).
MISCARRIAGE_LEAVE = "women_protection_rules:7.2"
# 第八条第一款: 生育津贴 at the employer's average monthly wage, or the employer pays.
ALLOWANCE_RULE = "women_protection_rules:8.1"
# 第九条第一款 / 第二款: no overtime or night shifts; one hour of nursing time a day.
NURSING_NO_OVERTIME = "women_protection_rules:9.1"
NURSING_TIME = "women_protection_rules:9.2"
# 第五条: no pay cut or dismissal because of pregnancy, childbirth or nursing.
NO_DISMISSAL_FOR_PREGNANCY = "women_protection_rules:5"

# 民法典 第二百零一条 / 第二百零二条 / 第二百零三条: how periods in years are counted
# (first day not counted; ends on the corresponding day or the month's last day; a last
# day that is a statutory holiday moves to the day after the holiday).
CIVIL_CODE_PERIOD_START = "civil_code:201"
CIVIL_CODE_YEAR_END = "civil_code:202"
CIVIL_CODE_HOLIDAY = "civil_code:203"

LEAVE: frozenset[str] = frozenset({MATERNITY_LEAVE})
MISCARRIAGE: frozenset[str] = frozenset({MISCARRIAGE_LEAVE})
NURSING: frozenset[str] = frozenset({NURSING_NO_OVERTIME, NURSING_TIME, CIVIL_CODE_YEAR_END})
PROTECTION: frozenset[str] = frozenset(
    {
        "labor_contract_law:39",
        "labor_contract_law:40",
        "labor_contract_law:41",
        "labor_contract_law:42",
        "labor_contract_law:45",
        NO_DISMISSAL_FOR_PREGNANCY,
        CIVIL_CODE_YEAR_END,
    }
)
ALLOWANCE: frozenset[str] = frozenset({ALLOWANCE_RULE, "social_insurance_law:56"})
ARBITRATION: frozenset[str] = frozenset(
    {"labor_dispute_law:27", CIVIL_CODE_PERIOD_START, CIVIL_CODE_YEAR_END, CIVIL_CODE_HOLIDAY}
)
COMPENSATION: frozenset[str] = frozenset(
    {
        "labor_contract_law:46",
        "labor_contract_law:47",
        "labor_contract_law:48",
        "labor_contract_law:87",
        "labor_contract_law:97",
        "labor_contract_law_regulations:25",
        "labor_contract_law_regulations:27",
    }
)
