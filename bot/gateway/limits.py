"""Request limits of the gateway: body size per path, and the operator console's request rate.

Body size (``BodySizeLimit``, a pure ASGI middleware): every path has a largest body it
accepts, sized to what it can legitimately receive — a WeChat callback is a few kilobytes
of XML, a JSON API message at most 2000 characters, while staff and console forms may
carry more. A declared ``Content-Length`` over the limit is refused before the application
sees the request; a body without one (chunked) is counted as it streams in, and refused as
soon as it passes the limit, whatever the route was doing with it. Either way the answer
is 413 with a short Chinese text, and nothing past the limit is ever read into memory.

Pure ASGI rather than ``BaseHTTPMiddleware``: it must see the body as it arrives, and it
costs nothing per response chunk.

Console rate (``console_rate_limit``, a FastAPI dependency): the console's routes and
``/api/v1/suggest`` run the engine's parse and the retrieval index on every call, so one
operator (or, without a login, one address) may make at most ``CONSOLE_RATE_PER_MINUTE``
requests a minute, then 429. It fails open like every Redis-backed limit here.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import HTTPException, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.channels.flood import MINUTE_S, RateCounter
from bot.channels.telegram import MAX_BODY_BYTES as TELEGRAM_MAX_BODY_BYTES
from bot.channels.wechat import MAX_BODY_BYTES as WECHAT_MAX_BODY_BYTES
from bot.console.views import auth_config as console_auth_config

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "PATH_LIMITS",
    "TOO_LARGE_TEXT",
    "TOO_MANY_TEXT",
    "BodySizeLimit",
    "console_rate_limit",
]

KIB = 1024
MIB = 1024 * KIB
DEFAULT_MAX_BODY_BYTES = 256 * KIB
# (path prefix, largest body). A prefix ending in "/" matches everything under it; any
# other prefix matches itself and what lies under it ("/staff" is not "/staffroom").
PATH_LIMITS: tuple[tuple[str, int], ...] = (
    ("/wechat", WECHAT_MAX_BODY_BYTES),  # 64 KiB, what the channel itself accepts
    ("/telegram/", TELEGRAM_MAX_BODY_BYTES),  # 256 KiB: an Update is a few kilobytes
    ("/api/", 32 * KIB),  # JSON messages of at most 2000 characters
    ("/chat/api/", 32 * KIB),
    ("/staff", 2 * MIB),  # forms with notes; room for an uploaded station list
    ("/console", 2 * MIB),
)
TOO_LARGE_TEXT = "请求内容太大，无法处理。请缩短内容后再试。"
TOO_MANY_TEXT = "请求太频繁，请稍等一分钟再试。"


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once the streamed body passes its limit.

    An HTTPException, so a route that reads the body lets it through instead of calling
    it a parse error; the middleware answers 413 itself in any case.
    """

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE_TEXT)


def _matches(path: str, prefix: str) -> bool:
    if prefix.endswith("/"):
        return path.startswith(prefix)
    return path == prefix or path.startswith(prefix + "/")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None  # unreadable: count what actually arrives instead
            return length if length >= 0 else None
    return None


async def _refuse(send: Send) -> None:
    body = TOO_LARGE_TEXT.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the rest of the body is never read
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuse request bodies over the limit of their path with 413 (see the module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_bytes: int = DEFAULT_MAX_BODY_BYTES,
        limits: Sequence[tuple[str, int]] = PATH_LIMITS,
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
        # Longest prefix first, so "/chat/api/" wins over a shorter prefix of it.
        self.limits = sorted(limits, key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        """The largest body accepted on ``path``."""
        for prefix, limit in self.limits:
            if _matches(path, prefix):
                return limit
        return self.default_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send)
            return
        received = 0
        tripped = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, tripped
            if tripped:
                raise BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    tripped = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if tripped and not started:
                return  # whatever the route made of the error: the 413 below replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if started:
                raise
        if tripped and not started:
            await _refuse(send)


async def console_rate_limit(request: Request) -> None:
    """FastAPI dependency: at most ``CONSOLE_RATE_PER_MINUTE`` requests per operator.

    The key is the logged-in operator (a valid console session cookie, checked by its
    signature only, so this costs no database query) or else the client's address.
    """
    state = request.app.state
    per_minute: int = state.settings.console_rate_per_minute
    if per_minute <= 0:
        return
    config = console_auth_config(state.settings)
    session = config.signer.read(request.cookies.get(config.cookie_name))
    if session is not None:
        key = f"operator:{session.user_id}"
    else:
        key = f"address:{request.client.host if request.client else 'unknown'}"
    counted = await RateCounter(state.redis, prefix="console-rate").hit(key, (MINUTE_S,))
    if counted is None:
        return
    count, seconds_left = counted[0]
    if count > per_minute:
        raise HTTPException(429, TOO_MANY_TEXT, headers={"Retry-After": str(seconds_left)})
