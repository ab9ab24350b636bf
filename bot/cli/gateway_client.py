"""How ``hotline ask`` and ``hotline chat`` reach the gateway over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from bot.conversation import Turn

__all__ = ["GatewayClient", "GatewayUnavailable"]


class GatewayUnavailable(Exception):
    """Nothing answers at the gateway's address."""


class GatewayClient:
    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(timeout=timeout_s)

    def close(self) -> None:
        self._client.close()

    def send(self, *, channel: str, user_id: str, text: str, province: str | None = None) -> Turn:
        payload: dict[str, Any] = {"channel": channel, "user_id": user_id, "text": text}
        if province:
            payload["province"] = province
        try:
            response = self._client.post(f"{self.base_url}/api/v1/messages", json=payload)
        except httpx.TransportError as error:
            raise GatewayUnavailable(self.base_url) from error
        if response.status_code == 429:  # too many messages: the body is the reply to show
            return Turn.from_dict(response.json())
        response.raise_for_status()
        return Turn.from_dict(response.json())


def not_running_message(base_url: str) -> str:
    return (
        f"无法连接到网关 {base_url}。\n"
        "请先在另一个终端启动助手：make run（或 .venv/bin/hotline serve，并启动引擎和动作服务）。\n"
        f"Cannot reach the gateway at {base_url}: start it first with `make run`."
    )
