"""``hotline rights …`` through Typer's test runner on the sub-app itself.

The ``leave`` JSON shape is an outside contract (docs: design.md, "Contracts"). 山东's 158
days (98 + 60, calendar days) are from legal_facts.md §8.3; the dates are counted by hand.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import rights
from knowledge.loader import KnowledgeBase

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(rights.app, list(args))


@pytest.mark.parametrize(
    "province", ["山东", "山东省", "济南", "淄博"], ids=["short", "full", "jinan", "zibo"]
)
def test_leave_json_contract(province: str) -> None:
    result = invoke("leave", "--province", province, "--birth-date", "2025-03-08", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_days"] == 158  # 山东: 98 + 60 (legal_facts.md §8.3)
    assert data["start_date"] == "2025-02-21"  # birth − 15 days
    assert data["end_date"] == "2025-07-28"  # start + 158 − 1, calendar days
    assert [c["days"] for c in data["components"]] == [98, 60]
    for component in data["components"]:
        assert set(component) >= {"days", "reason", "basis"} and component["basis"]
    assert all("id" in citation and "text" in citation for citation in data["citations"])


@pytest.mark.parametrize(
    ("flags", "total"),
    [
        pytest.param(["--dystocia"], 173, id="dystocia"),  # 158 + 15 (特别规定第七条)
        pytest.param(["--babies", "2"], 173, id="twins"),  # 158 + 15
        pytest.param(["--babies", "3", "--dystocia"], 203, id="triplets-dystocia"),  # 158 + 30 + 15
    ],
)
def test_leave_add_ons(flags: list[str], total: int) -> None:
    result = invoke("leave", "--province", "山东", "--birth-date", "2025-03-08", *flags, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_days"] == total


def test_leave_caesarean_flag_is_accepted() -> None:
    result = invoke(
        "leave", "--province", "山东", "--birth-date", "2025-03-08", "--caesarean", "--json"
    )
    assert result.exit_code == 0, result.output
    assert "total_days" in json.loads(result.stdout)


def test_leave_readable_chinese_without_json() -> None:
    result = invoke("leave", "--province", "济南", "--birth-date", "2025-03-08")
    assert result.exit_code == 0, result.output
    assert "产假共 158 天" in result.stdout
    assert "依据" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--province", "火星", "--birth-date", "2025-03-08"],
            "未知的省份",
            id="unknown-province",
        ),
        pytest.param(
            ["--province", "山东", "--birth-date", "2025-02-30"], "格式不对", id="bad-date"
        ),
        pytest.param(["--birth-date", "2025-03-08"], "--province", id="no-province"),
        pytest.param(["--province", "山东", "--babies", "0"], "婴儿数量", id="zero-babies"),
        pytest.param(
            ["--province", "山东", "--birth-date", "2025-03-08", "--prenatal-days", "20"],
            "产前",
            id="prenatal-over-15",
        ),
    ],
)
def test_leave_errors_exit_2_with_chinese_message(args: list[str], message: str) -> None:
    result = invoke("leave", *args, "--json")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_province_without_data_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rights, "load_knowledge", lambda: KnowledgeBase())
    result = invoke("leave", "--province", "山东", "--birth-date", "2025-03-08", "--json")
    assert result.exit_code == 2
    assert "暂时没有山东省" in result.stderr


@pytest.mark.parametrize(
    ("args", "key", "value"),
    [
        # 特别规定第七条第二款
        pytest.param(["miscarriage", "--months", "3"], "total_days", 15, id="miscarriage-under-4"),
        pytest.param(
            ["miscarriage", "--months", "4", "--date", "2024-02-20"],
            "end_date",
            "2024-04-01",
            id="miscarriage-4",
        ),
        # 特别规定第九条; first birthday of a 29 February child (民法典第二百零二条)
        pytest.param(
            ["nursing", "--birth-date", "2024-02-29", "--babies", "2"],
            "daily_hours",
            2,
            id="nursing-twins",
        ),
        pytest.param(
            ["nursing", "--birth-date", "2024-02-29"],
            "nursing_end_date",
            "2025-02-28",
            id="nursing-leap",
        ),
        # 劳动合同法第四十五条
        pytest.param(
            ["protection", "--birth-date", "2025-03-08", "--contract-end", "2025-04-30"],
            "contract_extended_to",
            "2026-03-08",
            id="protection-extension",
        ),
        # 9000 ÷ 30 × 98 would need a known divisor; 山东's is unknown, so several estimates
        pytest.param(
            ["allowance", "--province", "山东", "--employer-avg-wage", "9000"],
            "payer",
            "生育保险基金",
            id="allowance",
        ),
        # 劳动争议调解仲裁法第二十七条
        pytest.param(
            ["arbitration-deadline", "--knew-date", "2024-03-10", "--today", "2025-03-01"],
            "deadline",
            "2025-03-10",
            id="arbitration",
        ),
        pytest.param(
            ["arbitration-deadline", "--wage-arrears", "--today", "2025-03-01"],
            "deadline",
            None,
            id="wages-ongoing",
        ),
        pytest.param(
            [
                "arbitration-deadline",
                "--knew-date",
                "2024-03-10",
                "--suspension",
                "2024-06-01:2024-07-01",
                "--today",
                "2025-03-01",
            ],
            "deadline",
            "2025-04-09",
            id="arbitration-suspended",
        ),
        # 劳动合同法第四十七条: 3 years 6 months → 4 months × 10000
        pytest.param(
            [
                "compensation",
                "--monthly-wage",
                "10000",
                "--start-date",
                "2021-01-01",
                "--last-day",
                "2024-06-30",
            ],
            "economic_compensation",
            "40000.00",
            id="compensation",
        ),
        # 第八十七条: twice
        pytest.param(
            [
                "compensation",
                "--monthly-wage",
                "10000",
                "--start-date",
                "2021-01-01",
                "--last-day",
                "2024-06-30",
                "--unlawful",
            ],
            "unlawful_compensation",
            "80000.00",
            id="compensation-unlawful",
        ),
    ],
)
def test_other_commands_json(args: list[str], key: str, value: object) -> None:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[key] == value
    assert "citations" in data and "notes" in data


def test_allowance_estimates_are_listed() -> None:
    result = invoke("allowance", "--province", "山东", "--employer-avg-wage", "9000", "--json")
    data = json.loads(result.stdout)
    assert data["estimates"] and all("amount" in e for e in data["estimates"])


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["arbitration-deadline", "--suspension", "2024-06-01"], id="bad-suspension"),
        pytest.param(["arbitration-deadline"], id="no-date"),
        pytest.param(
            [
                "compensation",
                "--monthly-wage",
                "abc",
                "--start-date",
                "2021-01-01",
                "--last-day",
                "2024-06-30",
            ],
            id="bad-wage",
        ),
        pytest.param(["allowance", "--province", "山东"], id="allowance-no-wage"),
        pytest.param(["miscarriage", "--months", "12"], id="miscarriage-months"),
    ],
)
def test_other_command_errors_exit_2(args: list[str]) -> None:
    result = invoke(*args, "--json")
    assert result.exit_code == 2
    assert any("\u4e00" <= char <= "\u9fff" for char in result.stderr)
