"""Stand-ins for the engine and the platforms' servers, shared by the channel tests.

``FakeEngine`` answers Rasa's REST channel, tracker and parse endpoints through
``httpx.MockTransport`` with scripted replies, counting the messages it sees.
``FakeWeChatApi`` is a ``requests`` transport adapter for wechatpy's session (unit tests);
``RecordingTelegramRequest`` is python-telegram-bot's own request interface, recording
every Bot API call.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import requests
from requests.adapters import BaseAdapter
from telegram.request import BaseRequest, RequestData

ART_42 = "《中华人民共和国劳动合同法》第四十二条"
GREET_BUTTONS = [
    {"title": "怀孕被辞退", "payload": "/three_period_dismissal"},
    {"title": "产假有多少天", "payload": "/maternity_leave"},
    {"title": "转人工", "payload": "/human_handoff"},
]
LONG_TEXT = "".join(
    f"第{n}段：用人单位不得因女职工怀孕、生育、哺乳降低其工资、予以辞退、与其解除劳动合同。"
    for n in range(1, 61)
)


def _intent_of(text: str) -> str:
    if text.startswith("/"):
        text = text.split("{", 1)[0]  # a payload with entities: /intent{"province": …}
    if text in ("/greet", "你好"):
        return "greet"
    if text in ("/human_handoff", "转人工"):
        return "human_handoff"
    if text == "/three_period_dismissal" or "辞退" in text:
        return "three_period_dismissal"
    if text == "/maternity_leave" or "产假" in text:
        return "maternity_leave"
    if text.startswith("???"):
        return "nlu_fallback"
    return "inform"


class FakeEngine:
    """Scripted Rasa: knows greet, dismissal, handoff, fallback, a long answer."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.messages: list[tuple[str, str]] = []
        self.delay_s = delay_s
        self.down = False
        self._fallbacks: dict[str, int] = {}
        self._latest: dict[str, str] = {}

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def replies(self, sender: str, text: str) -> list[dict[str, Any]]:
        intent = _intent_of(text)
        if intent == "nlu_fallback":
            self._fallbacks[sender] = self._fallbacks.get(sender, 0) + 1
            if self._fallbacks[sender] >= 2:
                return [{"custom": {"text": "抱歉，我两次都没能理解。", "handoff": "fallback"}}]
            return [{"text": "抱歉，我没有完全理解。"}]
        self._fallbacks[sender] = 0
        if intent == "greet":
            return [{"text": "您好！请说说您遇到的情况。", "buttons": GREET_BUTTONS}]
        if intent == "human_handoff":
            return [{"custom": {"text": "好的，我来为您转接人工服务。", "handoff": "asked"}}]
        if intent == "three_period_dismissal":
            return [
                {
                    "custom": {
                        "text": f"孕期、产期、哺乳期内单位不得辞退您。〔依据：{ART_42}〕",
                        "citations": [ART_42],
                    }
                }
            ]
        if text == "长答案":
            return [{"text": LONG_TEXT}]
        return [{"text": f"收到：{text}"}]

    async def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("engine down", request=request)
        path = request.url.path
        if path == "/webhooks/rest/webhook":
            body = json.loads(request.content)
            sender, text = body["sender"], body["message"]
            self.messages.append((sender, text))
            self._latest[sender] = text
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            return httpx.Response(200, json=self.replies(sender, text))
        if path.endswith("/tracker/events"):
            return httpx.Response(200, json={})
        if path.endswith("/tracker"):
            sender = path.split("/")[2]
            intent = _intent_of(self._latest.get(sender, ""))
            return httpx.Response(
                200,
                json={"latest_message": {"intent": {"name": intent, "confidence": 0.9}}},
            )
        if path == "/model/parse":
            text = json.loads(request.content)["text"]
            return httpx.Response(200, json=parse_of(text))
        if path == "/status":
            return httpx.Response(200, json={"model_file": "fake.tar.gz"})
        return httpx.Response(404)


def parse_of(text: str) -> dict[str, Any]:
    """A Rasa-shaped parse: intent, ranking and entities for a few known phrases."""
    intent = _intent_of(text)
    entities = []
    if "山东" in text:
        start = text.index("山东")
        entities.append({"entity": "province", "value": "山东省", "start": start, "end": start + 2})
    if "怀孕" in text:
        start = text.index("怀孕")
        entities.append(
            {"entity": "period", "value": "pregnancy", "start": start, "end": start + 2}
        )
    ranking = [
        {"name": intent, "confidence": 0.82},
        {"name": "unlawful_termination", "confidence": 0.11},
        {"name": "greet", "confidence": 0.04},
    ]
    return {
        "text": text,
        "intent": ranking[0],
        "entities": entities,
        "intent_ranking": ranking,
    }


class FakeWeChatApi(BaseAdapter):
    """WeChat's server API for wechatpy's ``requests`` session: token and custom messages."""

    def __init__(self) -> None:
        super().__init__()
        self.token_fetches = 0
        self.sent: list[dict[str, Any]] = []
        self.menus: list[dict[str, Any]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        body: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        if "/token" in url:
            self.token_fetches += 1
            body = {"access_token": f"token-{self.token_fetches}", "expires_in": 7200}
        elif "message/custom/send" in url:
            assert "access_token=token-" in url
            self.sent.append(json.loads(request.body or b"{}"))
        elif "menu/create" in url:
            self.menus.append(json.loads(request.body or b"{}"))
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = url
        response.request = request
        return response

    def close(self) -> None:
        pass


class RecordingTelegramRequest(BaseRequest):
    """python-telegram-bot's request interface, answering like the Bot API and recording."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_id = 100

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, dict(params)))
        if name == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "助手", "username": "hotline_bot"}
        elif name == "sendMessage":
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent_texts(self) -> list[str]:
        return [params["text"] for name, params in self.calls if name == "sendMessage"]
