"""Messages are split into clauses at punctuation and joining words."""

from __future__ import annotations

import pytest

from nlu.clauses import MAX_CLAUSES, split_clauses


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        pytest.param(
            "怀孕七个月了公司让我上夜班，不上就扣工资",
            ["怀孕七个月了公司让我上夜班", "不上就扣工资"],
            id="comma",
        ),
        pytest.param(
            "产假多少天 生育津贴怎么算",
            ["产假多少天", "生育津贴怎么算"],
            id="space",
        ),
        pytest.param(
            "被辞退了而且还欠我两个月工资",
            ["被辞退了", "还欠我两个月工资"],
            id="joining-word",
        ),
        pytest.param("我怀孕了公司要辞退我", [], id="one-clause"),
        pytest.param("你好，在吗", [], id="too-short-to-be-problems"),
    ],
)
def test_clauses(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses


def test_at_most_four_clauses() -> None:
    assert len(split_clauses("，".join(["公司不交社保"] * 9))) == MAX_CLAUSES
