"""A worker on WeChat while Redis, PostgreSQL or the engine fails in her conversation.

Each test takes one dependency away from the running stack (``conftest.py``), checks what
the worker and ``/health`` see meanwhile, gives the dependency back (in a ``finally``), and
checks that service resumes by itself — gateway, engine and action server are never
restarted, except the engine that was stopped — and that the appointment booked before
any fault is still there.

Every WeChat message is posted with a 5-second client timeout: WeChat's own deadline for
a reply, so a late answer fails the test with a timeout.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.channels.wechat import HOLDING_TEXT
from bot.conversation import ENGINE_DOWN_TEXT, RETRIEVAL_INTRO
from tests.faults.conftest import FaultStack, WeChatAnswer

pytestmark = pytest.mark.e2e

ART_42 = "《中华人民共和国劳动合同法》第四十二条"
DISMISSAL = "我怀孕了，公司要辞退我"
MATERNITY_LEAVE = "产假有多少天"
LEAVE_ANSWER = "98天"
HOTLINES = ("12333", "12338")
ENGINE_START_TIMEOUT_S = 240.0
RETRIEVAL_WARM_UP_S = 30.0
FROZEN_S = 3.0  # the engine stays frozen this much longer after the holding reply


@dataclass(frozen=True)
class Booking:
    user: str
    code: str


def _engine_answered(answer: WeChatAnswer) -> bool:
    """A normal answer from the engine: not the engine-down fallback, not a holding reply."""
    return (
        answer.status == 200
        and bool(answer.text)
        and ENGINE_DOWN_TEXT not in answer.text
        and RETRIEVAL_INTRO not in answer.text
        and answer.text != HOLDING_TEXT
    )


@pytest.fixture(scope="module")
def booking(fault_stack: FaultStack) -> Booking:
    """A reception-day appointment confirmed through the WeChat chat before any fault."""
    user = "oFaultBooker"
    answers = [
        fault_stack.wechat(text, user).text
        for text in ("我想预约维权接待日", "济南", "1", "1", "1", "王芳", "13812345678", "1")
    ]
    found = re.search(r"预约码是 ([A-Z0-9]{4,})", answers[-1])
    assert found is not None, answers[-1]
    code = found.group(1)
    assert code in {a["code"] for a in fault_stack.appointments()}
    return Booking(user=user, code=code)


@pytest.fixture
def healthy(fault_stack: FaultStack, booking: Booking) -> Iterator[FaultStack]:
    """The stack, healthy before the test; afterwards the booking must have survived."""
    assert fault_stack.wait_for_health(200, ENGINE_START_TIMEOUT_S).status == 200
    yield fault_stack
    assert booking.code in {a["code"] for a in fault_stack.appointments()}


def test_while_redis_is_down_the_engine_still_answers_and_health_names_redis(
    healthy: FaultStack,
) -> None:
    user = "oFaultRedis"
    assert _engine_answered(healthy.wechat("你好", user))
    healthy.redis.stop()
    try:
        during = healthy.wechat(DISMISSAL, user)
        health = healthy.health()
    finally:
        healthy.redis.start()
    # The lock store falls back to a process-local lock: a real, cited answer.
    assert _engine_answered(during) and ART_42 in during.text
    assert health.status == 503 and health.down() == {"redis"}

    assert healthy.wait_for_health(200).status == 200
    assert _engine_answered(healthy.wechat(MATERNITY_LEAVE, user))
    assert healthy.user_texts(f"wechat:{user}") == ["你好", DISMISSAL, MATERNITY_LEAVE]


def test_while_postgres_is_down_a_booking_question_gets_the_hotlines_and_health_names_it(
    healthy: FaultStack, booking: Booking
) -> None:
    user = "oFaultPostgres"
    assert ART_42 in healthy.wechat(DISMISSAL, user).text
    healthy.postgres.stop()
    try:
        lookup = healthy.wechat("我约的是几点", booking.user)
        question = healthy.wechat(MATERNITY_LEAVE, user)
        health = healthy.health()
    finally:
        healthy.postgres.start()
    assert lookup.status == 200 and all(number in lookup.text for number in HOTLINES)
    assert booking.code not in lookup.text
    # Rights questions need no database: the engine answers them on a fallback tracker.
    assert _engine_answered(question) and LEAVE_ANSWER in question.text
    assert health.status == 503 and health.down() == {"database"}

    assert healthy.wait_for_health(200).status == 200
    after = healthy.wechat("我约的是几点", booking.user)
    assert _engine_answered(after) and booking.code in after.text


def test_a_postgres_restart_between_two_messages_loses_nothing_of_the_conversation(
    healthy: FaultStack,
) -> None:
    user = "oFaultPgRestart"
    assert ART_42 in healthy.wechat(DISMISSAL, user).text
    healthy.postgres.stop()
    healthy.postgres.start()
    # The engine's pooled connections died with the server; the next turn must not
    # silently start the conversation over on an empty tracker.
    assert _engine_answered(healthy.wechat("我在济南", user))
    assert healthy.user_texts(f"wechat:{user}") == [DISMISSAL, "我在济南"]
    assert healthy.health().status == 200


def test_while_the_engine_is_stopped_the_worker_gets_the_rule_and_the_hotlines(
    healthy: FaultStack,
) -> None:
    user = "oFaultEngineDown"
    assert ART_42 in healthy.wechat(DISMISSAL, user).text
    healthy.stop("engine", signal.SIGKILL)
    try:
        health = healthy.health()
        during = [healthy.wechat(MATERNITY_LEAVE, user)]
        # The gateway's first search may still be building its index (then the hotline
        # numbers go out alone); the rule itself follows as soon as the index is built.
        deadline = time.monotonic() + RETRIEVAL_WARM_UP_S
        while RETRIEVAL_INTRO not in during[-1].text and time.monotonic() < deadline:
            time.sleep(2)  # at most 15 messages: under the per-sender limit of 20 a minute
            during.append(healthy.wechat(MATERNITY_LEAVE, user))
    finally:
        healthy.start("engine")
    assert health.status == 503 and health.down() == {"engine"}
    for answer in during:
        assert answer.status == 200 and all(number in answer.text for number in HOTLINES)
    assert RETRIEVAL_INTRO in during[-1].text and LEAVE_ANSWER in during[-1].text

    assert healthy.wait_for_health(200, ENGINE_START_TIMEOUT_S).status == 200
    assert _engine_answered(healthy.wechat(MATERNITY_LEAVE, user))
    # The conversation lives in the tracker store, not in the engine process.
    assert healthy.user_texts(f"wechat:{user}") == [DISMISSAL, MATERNITY_LEAVE]


def test_while_the_engine_is_frozen_a_holding_reply_comes_then_the_answer_is_pushed(
    healthy: FaultStack,
) -> None:
    user = "oFaultEngineSlow"
    assert _engine_answered(healthy.wechat("你好", user))
    healthy.pause("engine")
    try:
        during = healthy.wechat(DISMISSAL, user)
        health = healthy.health()
        time.sleep(FROZEN_S)
        pushed_while_frozen = healthy.pushed_to(user)
    finally:
        healthy.resume("engine")
    assert during.status == 200 and during.text == HOLDING_TEXT
    assert health.status == 503 and health.down() == {"engine"}
    assert pushed_while_frozen == []
    # The real answer follows through WeChat's customer-service API once the engine runs.
    assert healthy.platforms.wait_for(lambda: any(ART_42 in t for t in healthy.pushed_to(user)))

    assert healthy.wait_for_health(200).status == 200
    assert _engine_answered(healthy.wechat(MATERNITY_LEAVE, user))
    assert healthy.user_texts(f"wechat:{user}") == ["你好", DISMISSAL, MATERNITY_LEAVE]
