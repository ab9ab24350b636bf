"""Whole conversations through `hotline chat --json`: every flow and every repair.

Each test is a worker's conversation, typed line by line into the real stack (gateway →
engine → actions → knowledge). A bare digit picks the numbered button of the previous
turn, as on WeChat. The number of turns from a worker's first message to her tailored
answer is recorded for every walkthrough; the last test reports the median.
"""

from __future__ import annotations

import json
import statistics
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

ART_42 = "《中华人民共和国劳动合同法》第四十二条"
TAILORED = "【按您的情况"
REVIEW = "我记下的是："
#: turns from first message to tailored answer, per walkthrough conversation
TURNS_TO_ANSWER: dict[str, int] = {}


Turn = dict[str, Any]


def talk(stack: Stack, *lines: str, user: str | None = None) -> list[Turn]:
    """One `hotline chat --json` session; the same ``user`` continues her conversation."""
    who = user or f"e2e-{uuid.uuid4().hex[:10]}"
    result = stack.hotline("chat", "--json", "--user", who, stdin="".join(f"{x}\n" for x in lines))
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["user"] for t in turns] == list(lines)
    return turns


def said(turn: Turn) -> str:
    return "\n".join(reply["text"] for reply in turn["replies"])


def cited(turn: Turn) -> list[str]:
    return [c for reply in turn["replies"] for c in reply["citations"]]


def buttons(turn: Turn) -> list[str]:
    return [b["title"] for reply in turn["replies"] for b in reply["buttons"]]


def record(name: str, turns: list[Turn]) -> int:
    """Turns from the first message up to and including the tailored answer."""
    reached = next(i for i, turn in enumerate(turns) if TAILORED in said(turn)) + 1
    TURNS_TO_ANSWER[name] = reached
    return reached


def engine_tracker(stack: Stack, user: str) -> dict[str, Any]:
    token = (stack.var_dir / "dev-secrets" / "rasa_token").read_text().strip()
    url = f"{stack.env['RASA_URL']}/conversations/cli:{user}/tracker"
    return httpx.get(url, params={"token": token}, timeout=10).json()  # type: ignore[no-any-return]


# -- the cases named in the issue --------------------------------------------------------


def test_shandong_worker_five_months_pregnant_threatened_with_dismissal(stack: Stack) -> None:
    turns = talk(stack, "我在山东，怀孕五个月了，公司说要辞退我", "对", "怎么申请劳动仲裁")
    first, answer, path = turns
    assert first["intent"] == "three_period_dismissal"
    assert ART_42 in cited(first)  # the short answer comes at once, with its citation
    assert REVIEW in said(first)  # nothing left to ask: straight to the review
    assert "山东省" in said(first) and "怀孕约5个月" in said(first)
    text = said(answer)
    assert "别签“自愿离职”" in text and "山东省共158天" in text and "速裁" in text
    assert "怀孕满7个月以后" in text and ART_42 in cited(answer)
    assert "第一步，协商" in said(path) and "第四步，诉讼" in said(path)
    assert "预约维权接待日" in buttons(path)
    assert record("shandong-dismissal", turns) == 2


def test_hubei_worker_with_twins_learns_her_leave_end_date(stack: Stack) -> None:
    turns = talk(stack, "我在湖北，生了双胞胎，宝宝2026年3月10日出生，产假到哪天结束？", "1", "1")
    first, birth_type, answer = turns
    assert buttons(first) == ["顺产", "剖宫产", "难产"]  # the only thing she had not said
    assert "· 宝宝数量：2个（双胞胎）" in said(birth_type)
    assert "湖北省共173天" in said(answer)
    assert "从2026年2月23日开始，最后一天是2026年8月14日" in said(answer)
    assert record("hubei-twins", turns) == 3


def test_beijing_worker_whose_employer_refuses_her_nursing_hour(stack: Stack) -> None:
    turns = talk(stack, "我在北京上班，宝宝2026年5月20日出生，单位不给我哺乳时间", "一个", "对")
    first, _, answer = turns
    # whether the engine calls it nursing_time or a bare answer (inform), she is walked through
    assert first["intent"] in ("nursing_time", "inform")
    assert "单位的做法：不给哺乳时间" in said(first) and cited(first)
    text = said(answer)
    assert "1小时哺乳时间，到宝宝满1周岁（2027年5月20日）为止" in text
    assert "1000元以上5000元以下罚款" in text and "劳动保障监察" in text
    assert "《女职工劳动保护特别规定》第九条第二款" in cited(answer)
    assert record("beijing-nursing", turns) == 3


def test_worker_corrects_her_province_mid_flow(stack: Stack) -> None:
    turns = talk(
        stack,
        "我在山东，刚生完孩子，产假有多少天",
        "不对，我在湖北",
        "2026年10月8日",
        "1",
        "1",
        "1",
    )
    assert "宝宝是哪天出生的" in said(turns[0])
    assert "已把工作所在省份改为湖北省" in said(turns[1])
    assert "宝宝是哪天出生的" in said(turns[1])  # the same question again, not a loop
    assert "· 工作所在省份：湖北省" in said(turns[4])
    assert "湖北省共158天" in said(turns[5])
    assert record("province-correction", turns) == 6


def test_worker_who_asks_about_harassment(stack: Stack) -> None:
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    turns = talk(stack, "领导老是对我动手动脚，我不知道该怎么办", "1", user=user)
    care, handoff = turns
    assert care["intent"] == "sexual_harassment"
    assert said(care).startswith("发生这样的事，不是您的错")  # empathy first
    assert cited(care)  # then her rights, cited
    assert "12338" in said(care) and "不是律师" in said(care)
    assert buttons(care)[0] == "转人工"
    assert "转接人工服务" in said(handoff)
    bot = [e for e in engine_tracker(stack, user)["events"] if e["event"] == "bot"]
    assert (bot[-1]["data"]["custom"] or {}).get("handoff") == "asked"


def test_worker_who_asks_to_book_and_then_cancels(stack: Stack) -> None:
    """Exercises the booking form of the booking flow, whatever its first question is."""
    turns = talk(stack, "我想预约维权接待日", "不约了，取消", "产假有多少天")
    book, cancel, after = turns
    assert book["intent"] == "book_appointment" and said(book)
    assert said(cancel)
    assert "再问您几个简单的问题" in said(after)  # out of the booking, into a walkthrough


# -- the other flows --------------------------------------------------------------------


def test_walkthrough_with_an_allowance_estimate(stack: Stack) -> None:
    turns = talk(
        stack, "我在武汉，上个月生的孩子，生育津贴怎么算", "一个", "顺产", "交了", "6000", "对"
    )
    assert "宝宝是哪天出生的" not in said(turns[0])  # "上个月生的" answered it
    assert "· 生育保险：单位交了" in said(turns[4])
    answer = said(turns[5])
    assert "按您说的月工资6000.00元粗略估算" in answer and "生育保险基金" in answer
    record("allowance", turns)


def test_the_period_is_asked_with_buttons_when_nothing_tells_it(stack: Stack) -> None:
    turns = talk(stack, "三期内公司要辞退我", "1", "济南", "5个月", "1")
    assert buttons(turns[0]) == ["怀孕中", "休产假", "哺乳期"]
    assert "您在哪个省份或城市工作" in said(turns[1])
    assert "怀孕几个月" in said(turns[2])
    assert REVIEW in said(turns[3]) and "山东省" in said(turns[3])
    assert TAILORED in said(turns[4])
    record("period-asked", turns)


def test_a_dismissed_worker_gets_her_arbitration_deadline(stack: Stack) -> None:
    turns = talk(stack, "我怀孕四个月，在杭州，已经被公司辞退了", "2026年11月16日", "对")
    assert "单位是哪天通知辞退您的" in said(turns[0])
    assert "最晚要在2027年11月16日之前申请" in said(turns[2])
    record("dismissed-deadline", turns)


def test_unpaid_wages_lead_to_the_dispute_path(stack: Stack) -> None:
    turns = talk(stack, "公司拖欠了我三个月工资", "1")
    assert turns[0]["intent"] == "wage_arrears" and cited(turns[0])
    assert "好，说说维权步骤" in buttons(turns[0])
    path = said(turns[1])
    assert "在职期间追讨拖欠的工资不受一年的限制" in path and "劳动仲裁不收费" in path
    assert {"预约维权接待日", "预约法律援助", "转人工"} <= set(buttons(turns[1]))
    assert "12348" in path and "经济困难" in path


# -- repair ------------------------------------------------------------------------------


def test_why_and_go_back_in_the_middle_of_a_walkthrough(stack: Stack) -> None:
    turns = talk(
        stack, "我在北京，宝宝6个月了，哺乳时间每天多久", "为什么要问这个", "2", "上一步", "1"
    )
    assert "宝宝是一个，还是双胞胎" in said(turns[0])
    assert said(turns[1]).startswith("问这个是因为") and cited(turns[1])
    assert "宝宝是一个，还是双胞胎" in said(turns[1])
    assert "· 宝宝数量：2个（双胞胎）" in said(turns[2])
    assert "回到上一步" in said(turns[3]) and "宝宝是一个，还是双胞胎" in said(turns[3])
    assert "· 宝宝数量：1个" in said(turns[4])


def test_an_unrelated_question_mid_walkthrough_then_back(stack: Stack) -> None:
    turns = talk(stack, "我怀孕了，公司要给我降工资", "请不起律师怎么办", "济南")
    assert "您在哪个省份或城市工作" in said(turns[0])
    assert turns[1]["intent"] == "legal_aid" and cited(turns[1])
    assert "回到刚才的问题：\n您在哪个省份或城市工作" in said(turns[1])
    assert "怀孕几个月" in said(turns[2])


def test_no_at_the_review_then_pick_what_to_change(stack: Stack) -> None:
    turns = talk(stack, "我在山东，怀孕五个月了，公司说要辞退我", "有要改的", "1")
    assert "哪一项需要改" in said(turns[1])
    assert buttons(turns[1])[0] == "改时期"
    assert buttons(turns[2]) == ["怀孕中", "休产假", "哺乳期"]  # asked again, with buttons


def test_start_over(stack: Stack) -> None:
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    turns = talk(stack, "我在山东，怀孕五个月了，公司说要辞退我", "重新开始", "你好", user=user)
    assert "我们重新开始" in said(turns[1])
    assert "欢迎回来" not in said(turns[2])  # her case is forgotten, as she asked
    assert engine_tracker(stack, user)["slots"]["province"] is None


def test_two_answers_not_understood_hand_her_to_a_person(stack: Stack) -> None:
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    turns = talk(stack, "我怀孕了，公司要给我降工资", "不知道", "火星", user=user)
    assert said(turns[1]).startswith("抱歉")
    assert "转接人工服务" in said(turns[2])
    tracker = engine_tracker(stack, user)
    assert tracker["active_loop"] == {}
    bot = [e for e in tracker["events"] if e["event"] == "bot"]
    assert bot[-1]["data"]["custom"]["handoff"] == "fallback"


def test_asking_for_a_person_mid_walkthrough(stack: Stack) -> None:
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    turns = talk(stack, "怀孕七个月了还要上夜班", "转人工", user=user)
    assert "转接人工服务" in said(turns[1])
    assert engine_tracker(stack, user)["active_loop"] == {}


def test_a_returning_worker_finds_her_case_remembered(stack: Stack) -> None:
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    talk(stack, "我在山东，怀孕五个月了，公司说要辞退我", "对", user=user)
    # later, a new session of the same channel account
    back = talk(stack, "你好", "其实我怀的是双胞胎", "对", user=user)
    assert "欢迎回来" in said(back[0]) and "山东省" in said(back[0])
    assert "宝宝数量改为2个（双胞胎）" in said(back[1]) and REVIEW in said(back[1])
    assert "多胞胎" in said(back[2]) and "173天" in said(back[2])


def test_a_worker_who_left_mid_walkthrough_picks_up_where_she_was(stack: Stack) -> None:
    user = f"e2e-{uuid.uuid4().hex[:10]}"
    talk(stack, "我在北京上班，宝宝6个月了，单位不给我哺乳时间", "再见", user=user)
    back = talk(stack, "你好", user=user)
    assert "欢迎回来" in said(back[0]) and "北京市" in said(back[0])
    assert "宝宝是一个，还是双胞胎" in said(back[0])


def test_a_correction_right_after_the_explanation(stack: Stack) -> None:
    turns = talk(
        stack, "我在北京上班，宝宝2026年5月20日出生，单位不给我哺乳时间", "一个", "对", "不对"
    )
    assert "哪一项需要改" in said(turns[3])


def test_walkthroughs_reach_the_tailored_answer_in_few_turns(stack: Stack) -> None:
    """The median number of turns from first message to tailored answer (the issue asks for
    it in the closing note; it is printed and written under the stack's var/)."""
    if len(TURNS_TO_ANSWER) < 3:
        pytest.skip("run with the walkthrough conversations to measure")
    median = statistics.median(TURNS_TO_ANSWER.values())
    report = {"walkthroughs": TURNS_TO_ANSWER, "median_turns_to_tailored_answer": median}
    (stack.var_dir / "conversation_turns.json").write_text(json.dumps(report, ensure_ascii=False))
    print(json.dumps(report, ensure_ascii=False))
    assert median <= 4
