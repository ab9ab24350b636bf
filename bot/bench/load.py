"""An open-loop load generator: messages arrive at a fixed rate whatever the answers take.

Why open loop: workers do not wait for each other. A closed loop (N clients, each sending
when answered) slows down with the system under test and hides overload; here arrival ``i``
is due at ``start + i / rate``, and its latency counts from that due time.

Each arrival is either the next message of a conversation whose last answer has come back
(a worker replying) or the first message of a new one; the mix is seeded, so the gateway
and the bare engine get the same sequence of scripts in one run.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import secrets
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape

import aiohttp
from defusedxml.ElementTree import fromstring as safe_fromstring

from bot.bench.stats import RunFigures

__all__ = ["Answer", "RestTarget", "Target", "WeChatTarget", "run_open_loop"]

WECHAT_DEADLINE_S = 4.5
HOLDING_MARK = "正在为您查询"
DEGRADED_MARK = "智能助手暂时无法回答"


@dataclass(frozen=True)
class Answer:
    text: str


class Target(Protocol):
    """Where the messages go: the gateway's WeChat callback or the engine's REST channel."""

    name: str

    async def send(
        self, client: aiohttp.ClientSession, user: str, text: str, key: str
    ) -> Answer: ...


class TargetError(Exception):
    """The target answered, but not with an answer a worker could read."""


def sign(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's callback signature: SHA-1 of the sorted token, timestamp and nonce."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def wechat_text_xml(user: str, text: str, msg_id: str, created: int) -> bytes:
    return (
        "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{escape(text)}</Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


class WeChatTarget:
    """Signed plain-mode WeChat text messages to ``POST /wechat`` of the gateway."""

    name = "gateway"

    def __init__(self, gateway_url: str, token: str) -> None:
        self._url = f"{gateway_url.rstrip('/')}/wechat"
        self._token = token

    async def send(self, client: aiohttp.ClientSession, user: str, text: str, key: str) -> Answer:
        timestamp, nonce = str(int(time.time())), secrets.token_hex(6)
        msg_id = str(int(hashlib.sha1(key.encode()).hexdigest()[:15], 16))
        params = {"signature": sign(self._token, timestamp, nonce), "timestamp": timestamp}
        params["nonce"] = nonce
        body = wechat_text_xml(user, text, msg_id, int(timestamp))
        async with client.post(
            self._url, params=params, data=body, headers={"Content-Type": "text/xml"}
        ) as response:
            raw = await response.read()
            if response.status != 200:
                raise TargetError(f"http {response.status}")
        if raw == b"success":
            raise TargetError("no reply")
        content = safe_fromstring(raw).findtext("Content") or ""
        if not content.strip():
            raise TargetError("empty reply")
        return Answer(content)


class RestTarget:
    """The same messages to Rasa's bare REST channel (the baseline)."""

    name = "baseline"

    def __init__(self, engine_url: str, token: str | None) -> None:
        self._url = f"{engine_url.rstrip('/')}/webhooks/rest/webhook"
        self._params = {"token": token} if token else {}

    async def send(self, client: aiohttp.ClientSession, user: str, text: str, key: str) -> Answer:
        async with client.post(
            self._url, params=self._params, json={"sender": user, "message": text}
        ) as response:
            if response.status != 200:
                raise TargetError(f"http {response.status}")
            messages = await response.json(content_type=None)
        texts = [
            str(m.get("text") or (m.get("custom") or {}).get("text") or "")
            for m in messages
            if isinstance(m, dict)
        ]
        if not any(texts):
            raise TargetError("empty reply")
        return Answer("\n".join(texts))


@dataclass
class _Conversation:
    user: str
    script: Sequence[str]
    index: int = 0


async def run_open_loop(
    target: Target,
    *,
    rate: float,
    duration_s: float,
    scripts: Sequence[Sequence[str]],
    prefix: str,
    seed: int = 8,
    continue_share: float = 0.6,
    timeout_s: float = 15.0,
) -> RunFigures:
    """Offer ``rate`` messages per second for ``duration_s`` and wait for every answer."""
    rng = random.Random(seed)
    figures = RunFigures(offered_rate=rate, duration_s=duration_s)
    idle: deque[_Conversation] = deque()
    total = max(1, round(rate * duration_s))
    counter = 0
    loop = asyncio.get_running_loop()

    async def one(conversation: _Conversation, due: float) -> None:
        text = conversation.script[conversation.index]
        key = f"{conversation.user}:{conversation.index}"
        try:
            answer = await target.send(client, conversation.user, text, key)
        except TargetError as error:
            figures.error(str(error))
            return
        except TimeoutError:
            figures.error("timeout")
            figures.deadline_misses += 1
            return
        except (aiohttp.ClientError, ValueError) as error:
            figures.error(type(error).__name__)
            return
        latency = loop.time() - due
        figures.latencies_s.append(latency)
        if latency > WECHAT_DEADLINE_S:
            figures.deadline_misses += 1
        if answer.text.startswith(HOLDING_MARK):
            figures.holding_replies += 1
        if DEGRADED_MARK in answer.text:
            figures.degraded_replies += 1
        conversation.index += 1
        if conversation.index < len(conversation.script):
            idle.append(conversation)

    timeout = aiohttp.ClientTimeout(total=timeout_s, connect=5.0)
    connector = aiohttp.TCPConnector(limit=2000)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as client:
        tasks: list[asyncio.Task[None]] = []
        start = loop.time()
        for i in range(total):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if idle and rng.random() < continue_share:
                conversation = idle.popleft()
            else:
                counter += 1
                script = scripts[rng.randrange(len(scripts))]
                conversation = _Conversation(f"{prefix}{counter:06d}", script)
            tasks.append(asyncio.create_task(one(conversation, due)))
        await asyncio.gather(*tasks)
        figures.elapsed_s = max(loop.time() - start, duration_s)
    return figures
