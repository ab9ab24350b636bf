"""WeChat's and Telegram's server APIs, faked on loopback for the end-to-end tests.

The gateway is pointed at this server with ``WECHAT_API_BASE_URL`` and
``TELEGRAM_API_BASE_URL``; it records what the gateway pushes (customer-service messages,
``sendMessage``) so the tests can read what a worker would receive.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.ports import free_port


@dataclass
class PlatformLog:
    wechat_sent: list[dict[str, Any]] = field(default_factory=list)
    wechat_token_fetches: int = 0
    telegram_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    telegram_pending: list[dict[str, Any]] = field(default_factory=list)  # for getUpdates
    wechat_menus: list[dict[str, Any]] = field(default_factory=list)

    def telegram_texts(self, chat_id: int) -> list[str]:
        return [
            str(params.get("text"))
            for name, params in self.telegram_calls
            if name == "sendMessage" and int(params.get("chat_id", 0)) == chat_id
        ]

    def wait_for(self, predicate: Any, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.1)
        return False


def _handler(log: PlatformLog) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _json(self, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if "json" in (self.headers.get("Content-Type") or ""):
                return dict(json.loads(raw or b"{}"))
            fields = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            for key, value in list(fields.items()):
                if value.startswith(("{", "[")):
                    fields[key] = json.loads(value)
            return fields

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path.endswith("/cgi-bin/token"):
                log.wechat_token_fetches += 1
                self._json({"access_token": "e2e-token", "expires_in": 7200})
                return
            self.send_error(404)

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path.endswith("/cgi-bin/menu/create"):
                length = int(self.headers["Content-Length"])
                log.wechat_menus.append(json.loads(self.rfile.read(length)))
                self._json({"errcode": 0, "errmsg": "ok"})
                return
            if path.endswith("/cgi-bin/message/custom/send"):
                log.wechat_sent.append(
                    json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                )
                self._json({"errcode": 0, "errmsg": "ok"})
                return
            if path.startswith("/bot"):
                method = path.rsplit("/", 1)[-1]
                params = self._body()
                log.telegram_calls.append((method, params))
                result: Any = True
                if method == "getMe":
                    result = {
                        "id": 1,
                        "is_bot": True,
                        "first_name": "助手",
                        "username": "hotline_bot",
                    }
                elif method == "getUpdates":
                    result, log.telegram_pending[:] = list(log.telegram_pending), []
                elif method == "sendMessage":
                    result = {
                        "message_id": len(log.telegram_calls),
                        "date": int(time.time()),
                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                        "text": params.get("text", ""),
                    }
                self._json({"ok": True, "result": result})
                return
            self.send_error(404)

    return Handler


@contextmanager
def fake_platforms() -> Iterator[tuple[str, PlatformLog]]:
    """Serve the fake APIs; yields the base URL (``http://127.0.0.1:PORT``) and the log."""
    log = PlatformLog()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(log))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
