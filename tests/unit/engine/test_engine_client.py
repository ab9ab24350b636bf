"""Several engines behind one client: a conversation sticks to one, and fails over."""

from __future__ import annotations

import httpx
import pytest

from bot.engine.client import EngineClient, EngineUnavailable

A, B = "http://engine-a:5005", "http://engine-b:5005"


def _client(down: set[str], seen: list[str]) -> EngineClient:
    def handler(request: httpx.Request) -> httpx.Response:
        base = f"{request.url.scheme}://{request.url.host}:{request.url.port}"
        seen.append(base)
        if base in down:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": base})
        return httpx.Response(200, json=[{"text": base}])

    return EngineClient(
        f"{A}, {B}", client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )


async def test_one_conversation_always_goes_to_the_same_engine() -> None:
    seen: list[str] = []
    client = _client(set(), seen)
    for _ in range(5):
        await client.send("wechat:o1", "你好")
    assert len(set(seen)) == 1


async def test_conversations_are_spread_over_the_engines() -> None:
    seen: list[str] = []
    client = _client(set(), seen)
    for n in range(40):
        await client.send(f"wechat:o{n}", "你好")
    assert set(seen) == {A, B}


async def test_an_engine_that_refuses_connections_is_skipped() -> None:
    seen: list[str] = []
    client = _client({A}, seen)
    answers = [await client.send(f"wechat:o{n}", "你好") for n in range(10)]
    assert all(a == [{"text": B}] for a in answers)


async def test_every_engine_down_is_engine_unavailable() -> None:
    client = _client({A, B}, [])
    with pytest.raises(EngineUnavailable):
        await client.send("wechat:o1", "你好")


async def test_status_fails_when_any_engine_is_down() -> None:
    seen: list[str] = []
    assert (await _client(set(), seen).status())["model_file"] == A
    with pytest.raises(EngineUnavailable):
        await _client({B}, []).status()
