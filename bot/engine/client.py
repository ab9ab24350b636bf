"""HTTP client for the Rasa 3.6 engine: REST channel, tracker and parse APIs."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["EngineClient", "EngineError", "EngineUnavailable"]


class EngineError(Exception):
    """The engine answered, but not as expected."""


class EngineUnavailable(EngineError):
    """The engine could not be reached or did not answer in time."""


class EngineClient:
    """Thin async wrapper over the engine's HTTP endpoints.

    Why a wrapper: the gateway, the CLI and the tests all speak to Rasa; one place turns
    transport failures into ``EngineUnavailable`` so callers can fall back gracefully.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_s: float = 4.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=1.0),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _params(self) -> dict[str, str]:
        return {"token": self._token} if self._token else {}

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._client.request(
                method, f"{self._base_url}{path}", params=self._params(), **kwargs
            )
        except httpx.TransportError as error:
            raise EngineUnavailable(f"engine unreachable: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise EngineUnavailable(f"engine error {response.status_code}")
        if response.status_code >= 400:
            raise EngineError(f"engine refused {path}: {response.status_code}")
        return response

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """One user message through the REST channel; the bot's messages in order."""
        payload: dict[str, Any] = {"sender": sender_id, "message": text}
        if metadata:
            payload["metadata"] = metadata
        response = await self._request("POST", "/webhooks/rest/webhook", json=payload)
        data = response.json()
        if not isinstance(data, list):
            raise EngineError("REST channel returned a non-list")
        return data

    async def latest_message(self, sender_id: str) -> dict[str, Any]:
        """The parse of the user's latest message in this conversation."""
        response = await self._request(
            "GET", f"/conversations/{sender_id}/tracker?include_events=NONE"
        )
        latest = response.json().get("latest_message") or {}
        return dict(latest)

    async def set_slots(self, sender_id: str, slots: dict[str, Any]) -> None:
        """Set slots before a message (e.g. the province a hotline operator already knows)."""
        events = [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
        await self._request("POST", f"/conversations/{sender_id}/tracker/events", json=events)

    async def parse(self, text: str) -> dict[str, Any]:
        """The engine's NLU parse of one message, outside any conversation."""
        response = await self._request("POST", "/model/parse", json={"text": text})
        return dict(response.json())

    async def status(self) -> dict[str, Any]:
        """The engine's status (loaded model); raises when it is down."""
        response = await self._request("GET", "/status")
        return dict(response.json())
