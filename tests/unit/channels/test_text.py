"""Replies as plain text: numbered choices, citations once, and WeChat's size limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.text import render_plain, split_bytes, split_chars
from bot.conversation import Button, Reply

ART_42 = "《中华人民共和国劳动合同法》第四十二条"


def test_buttons_become_numbered_choices_after_the_text() -> None:
    reply = Reply(
        text="您好！",
        buttons=[
            Button("怀孕被辞退", "/three_period_dismissal"),
            Button("转人工", "/human_handoff"),
        ],
    )
    assert render_plain([reply]) == "您好！\n\n回复数字选择：\n1. 怀孕被辞退\n2. 转人工"


def test_citations_already_in_the_text_are_not_repeated() -> None:
    inline = Reply(text=f"单位不得辞退。〔依据：{ART_42}〕", citations=[ART_42])
    listed = Reply(text="单位不得辞退。", citations=[ART_42])
    assert render_plain([inline]).count(ART_42) == 1
    assert render_plain([listed]).endswith(f"依据：{ART_42}")


@given(st.text(alphabet="孕期产假。，\n ab1", min_size=0, max_size=3000))
def test_split_bytes_keeps_every_part_within_the_limit_and_loses_no_words(text: str) -> None:
    parts = split_bytes(text, 200)
    assert all(len(part.encode("utf-8")) <= 200 for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


@pytest.mark.parametrize("limit", [10, 50, 4096])
def test_split_chars_prefers_sentence_ends(limit: int) -> None:
    text = "第一句话说完了。" * 20
    parts = split_chars(text, limit)
    assert all(len(part) <= limit for part in parts)
    assert all(part.endswith("。") for part in parts)
    assert "".join(parts) == text
