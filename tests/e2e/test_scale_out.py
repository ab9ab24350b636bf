"""Two engines and two gateway processes behind one address, sharing PostgreSQL and Redis.

What scale-out must not break: every message of a conversation is processed exactly once
and in the order she sent it, although consecutive messages (and WeChat's retries of the
same message) land in different gateway processes, and conversations are spread over two
engines that share the tracker store (PostgreSQL) and the lock store (Redis).
Throughput is measured by ``hotline bench chat --engines 2 --gateways 2``, not here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.bench.load import sign, wechat_text_xml
from bot.bench.stack import BenchStack, start_stack
from bot.engine.model import ensure_model
from bot.settings import PROJECT_ROOT

CONVERSATIONS = 12
QUESTIONS = (
    "我怀孕了，公司要辞退我",
    "我在济南上班",
    "怀孕5个月了",
    "公司说我不能胜任工作",
    "产假有多少天",
)


@pytest.fixture(scope="module")
def scaled_stack() -> Iterator[BenchStack]:
    ensure_model(PROJECT_ROOT / "models")
    with start_stack(engines=2, gateways=2) as stack:
        yield stack


async def _post(
    client: httpx.AsyncClient, stack: BenchStack, user: str, text: str, n: int
) -> httpx.Response:
    timestamp, nonce = str(int(time.time())), f"n{n}"
    params = {
        "signature": sign(stack.wechat_token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }
    msg_id = f"{abs(hash(user)) % 10**9}{n:03d}"
    return await client.post(
        f"{stack.gateway_url}/wechat",
        params=params,
        content=wechat_text_xml(user, text, msg_id, int(timestamp)),
        timeout=30,
    )


async def _conversation(client: httpx.AsyncClient, stack: BenchStack, user: str) -> list[int]:
    """Her messages sent 250 ms apart without waiting for answers, each one sent twice.

    250 ms is quicker than anyone types, so each message arrives while the one before is
    still being answered (the engines are busy with all the conversations at once), yet
    long enough that its arrival order is not a race between two gateway processes being
    scheduled on a loaded machine.
    """
    tasks = []
    for n, text in enumerate(QUESTIONS):
        for _ in range(2):  # WeChat's retry of the same MsgId, to whichever process
            tasks.append(asyncio.create_task(_post(client, stack, user, f"{text}。", n)))
        await asyncio.sleep(0.25)
    responses = await asyncio.gather(*tasks)
    return [r.status_code for r in responses]


def _user_texts(stack: BenchStack, sender: str, engine_url: str) -> list[str]:
    response = httpx.get(
        f"{engine_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token},
        timeout=30,
    )
    response.raise_for_status()
    return [e["text"] for e in response.json()["events"] if e["event"] == "user"]


def test_messages_are_processed_once_each_and_in_order_across_processes(
    scaled_stack: BenchStack,
) -> None:
    users = [f"oScaleOut{n:04d}xxxxxxxxxxxxxxxxx" for n in range(CONVERSATIONS)]

    async def run() -> list[list[int]]:
        # Enough connections that no request queues in the client (which would reorder them).
        limits = httpx.Limits(max_connections=CONVERSATIONS * len(QUESTIONS) * 2)
        async with httpx.AsyncClient(limits=limits) as client:
            return await asyncio.gather(*(_conversation(client, scaled_stack, u) for u in users))

    statuses = asyncio.run(run())
    assert all(code == 200 for codes in statuses for code in codes)
    sent = [f"{text}。" for text in QUESTIONS]
    deadline = time.monotonic() + 120  # answers deferred past WeChat's budget finish later
    for user in users:
        for engine_url in scaled_stack.engine_urls:  # both engines read the shared store
            while True:
                texts = _user_texts(scaled_stack, f"wechat:{user}", engine_url)
                if len(texts) >= len(sent) or time.monotonic() > deadline:
                    break
                time.sleep(1)
            assert texts == sent, f"{user} via {engine_url}: {texts}"


def test_both_engines_and_both_gateway_processes_take_part(scaled_stack: BenchStack) -> None:
    pids = scaled_stack.pids()
    gateway_workers = [p for p in pids["gateway"] if p != scaled_stack.processes["gateway"].pid]
    assert len(gateway_workers) >= 2  # uvicorn's workers share the one listening address
    for engine_url in scaled_stack.engine_urls:
        assert httpx.get(
            f"{engine_url}/status", params={"token": scaled_stack.rasa_token}
        ).is_success
    health = httpx.get(f"{scaled_stack.gateway_url}/health", timeout=10).json()
    assert health["status"] == "ok"
