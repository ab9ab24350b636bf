"""HTTP client for the Rasa 3.6 engine: REST channel, tracker and parse APIs."""

from __future__ import annotations

import zlib
from typing import Any
from urllib.parse import quote

import httpx

from bot.engine.gate import EngineBusy, EngineGate

__all__ = ["EngineBusyError", "EngineClient", "EngineError", "EngineUnavailable"]


def _path(sender_id: str) -> str:
    """The conversation id as one path segment: "/", "?", "#", "%" and controls escaped.

    Characters allowed in a path segment (``:`` of ``wechat:o…`` among them) stay as they
    are, because Rasa uses the segment as the id without decoding it.
    """
    return quote(sender_id, safe=":@!$&'()*+,;=-._~")


class EngineError(Exception):
    """The engine answered, but not as expected."""


class EngineUnavailable(EngineError):
    """The engine could not be reached or did not answer in time."""


class EngineBusyError(EngineUnavailable):
    """The engine is up but overloaded: the message waited too long for its turn."""


class EngineClient:
    """Thin async wrapper over the engine's HTTP endpoints.

    Why a wrapper: the gateway, the CLI and the tests all speak to Rasa; one place turns
    transport failures into ``EngineUnavailable`` so callers can fall back gracefully.

    ``base_url`` may list several engines separated by commas (scale-out). A conversation
    always goes to the same engine (a stable hash of its id), which keeps its tracker warm
    there; when that engine cannot be reached the next one takes the message. Both share
    the tracker store (PostgreSQL) and lock store (Redis), so any engine may continue any
    conversation and two never process the same conversation at once.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_s: float = 4.0,
        client: httpx.AsyncClient | None = None,
        gate: EngineGate | None = None,
    ) -> None:
        self._base_urls = [url.strip().rstrip("/") for url in base_url.split(",") if url.strip()]
        if not self._base_urls:
            raise ValueError("no engine URL")
        self._gate = gate
        self._token = token
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=1.0),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _params(self) -> dict[str, str]:
        return {"token": self._token} if self._token else {}

    @property
    def base_urls(self) -> list[str]:
        return list(self._base_urls)

    def _order(self, affinity: str | None) -> list[str]:
        if affinity is None or len(self._base_urls) == 1:
            return self._base_urls
        first = zlib.crc32(affinity.encode("utf-8")) % len(self._base_urls)
        return self._base_urls[first:] + self._base_urls[:first]

    async def _request(
        self,
        method: str,
        path: str,
        *,
        affinity: str | None = None,
        only: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        last: httpx.TransportError | None = None
        for base_url in [only] if only else self._order(affinity):
            try:
                response = await self._client.request(
                    method, f"{base_url}{path}", params=self._params(), **kwargs
                )
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                last = error  # nothing was sent: another engine may take it
            except httpx.TransportError as error:
                raise EngineUnavailable(f"engine unreachable: {type(error).__name__}") from error
        else:
            name = type(last).__name__ if last else "no engine"
            raise EngineUnavailable(f"engine unreachable: {name}") from last
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
        if self._gate is None:
            response = await self._request(
                "POST", "/webhooks/rest/webhook", affinity=sender_id, json=payload
            )
        else:
            try:
                async with self._gate.slot():
                    response = await self._request(
                        "POST", "/webhooks/rest/webhook", affinity=sender_id, json=payload
                    )
            except EngineBusy as error:
                raise EngineBusyError(str(error)) from error
        data = response.json()
        if not isinstance(data, list):
            raise EngineError("REST channel returned a non-list")
        return data

    async def latest_message(self, sender_id: str) -> dict[str, Any]:
        """The parse of the user's latest message in this conversation."""
        response = await self._request(
            "GET",
            f"/conversations/{_path(sender_id)}/tracker?include_events=NONE",
            affinity=sender_id,
        )
        latest = response.json().get("latest_message") or {}
        return dict(latest)

    async def set_slots(self, sender_id: str, slots: dict[str, Any]) -> None:
        """Set slots before a message (e.g. the province a hotline operator already knows)."""
        events = [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
        await self._request(
            "POST",
            f"/conversations/{_path(sender_id)}/tracker/events",
            affinity=sender_id,
            json=events,
        )

    async def parse(self, text: str) -> dict[str, Any]:
        """The engine's NLU parse of one message, outside any conversation."""
        response = await self._request("POST", "/model/parse", json={"text": text})
        return dict(response.json())

    async def status(self) -> dict[str, Any]:
        """Every engine's status (the first one's fields); raises when any engine is down.

        Why every engine: health must show one engine of two being down, even though the
        other one keeps answering.
        """
        first: dict[str, Any] = {}
        for base_url in self._base_urls:
            response = await self._request("GET", "/status", only=base_url)
            first = first or dict(response.json())
        return first
