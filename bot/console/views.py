"""The operator console under ``/console`` and ``POST /api/v1/suggest`` (thin web layer).

Operators log in like staff (``bot.auth``; roles ``operator`` and ``admin``). The console
shows, as the operator types what a caller says, the engine's reading of it and three
read-aloud replies (``suggest``); it starts a walkthrough or a booking on the caller's
behalf in a conversation of its own (channel ``console``); and it works the handoff queue:
replies go back through the worker's own channel.

``POST /api/v1/suggest`` is open: it serves public legal information and the parse of the
text it is sent, and stores nothing. Everything that shows a worker's conversation needs an
operator's session, and every change needs its CSRF token (header ``X-CSRF-Token``).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from bot.auth import web as auth_web
from bot.auth.errors import LoginRequired, PermissionDenied
from bot.auth.sessions import SessionData
from bot.channels.delivery import reply_to_dict
from bot.channels.errors import DeliveryError
from bot.console.handoff import HandoffDesk
from bot.console.suggest import build_suggestions
from bot.conversation import IncomingMessage, Reply
from bot.engine.client import EngineError
from bot.settings import Settings
from bot.store.models import User, UserRole

__all__ = ["CONSOLE_CHANNEL", "auth_config", "router", "warm_up"]

CONSOLE_CHANNEL = "console"
HERE = Path(__file__).resolve().parent
STATIC = {
    "console.css": ("text/css", HERE / "static" / "console.css"),
    "console.js": ("text/javascript", HERE / "static" / "console.js"),
}
CLOSING_TEXT = "人工服务已结束，感谢您的耐心。您可以继续向智能助手提问，需要时再说“转人工”。"
_SENDER = re.compile(r"^[a-z][a-z0-9_]{0,31}:[A-Za-z0-9_\-@.]{1,128}$")
_CALL_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")

templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(tags=["console"])

_warm = asyncio.Lock()
_warmed = False


def warm_up() -> None:
    """Load the knowledge base and build the retrieval index (≈1.5 s once per process)."""
    build_suggestions("产假有多少天", None)


async def _ensure_warm() -> None:
    global _warmed
    if _warmed:
        return
    async with _warm:
        if not _warmed:
            await asyncio.to_thread(warm_up)
            _warmed = True


def auth_config(settings: Settings) -> auth_web.AuthConfig:
    return auth_web.AuthConfig(
        cookie_name="hotline_console",
        login_path="/console/login",
        roles=frozenset({UserRole.operator, UserRole.admin}),
        secret=settings.dev_secret("secret_key"),
        secure_cookies=settings.hotline_env == "production",
        cookie_path="/console",
    )


def _config(request: Request) -> auth_web.AuthConfig:
    return auth_config(request.app.state.settings)


def _operator(request: Request) -> tuple[User, SessionData]:
    """The logged-in operator; 401/403 for the JSON API (the page redirects instead)."""
    try:
        return auth_web.current_user(request, _config(request), request.app.state.database)
    except LoginRequired as error:
        raise HTTPException(status_code=401, detail=str(error)) from error
    except PermissionDenied as error:
        raise HTTPException(status_code=403, detail=str(error)) from error


def _changing(request: Request) -> tuple[User, SessionData]:
    """The operator, for a request that changes something: the CSRF token must match."""
    user, session = _operator(request)
    if not auth_web.check_csrf(session, request.headers.get(auth_web.CSRF_HEADER)):
        raise HTTPException(status_code=403, detail="页面已过期，请刷新。")
    return user, session


def _desk(request: Request) -> HandoffDesk:
    desk: HandoffDesk = request.app.state.channels.desk
    return desk


def _sender(value: str) -> str:
    if not _SENDER.fullmatch(value):
        raise HTTPException(status_code=422, detail="bad conversation id")
    return value


def masked(user_id: str) -> str:
    """A worker's channel id as the console shows it: enough to tell two apart, no more."""
    if len(user_id) <= 6:
        return user_id[:1] + "***"
    return f"{user_id[:3]}***{user_id[-3:]}"


# -- suggestions -------------------------------------------------------------------------


class SuggestIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000, description="what the caller said")
    province: str | None = Field(default=None, max_length=32, description="known province")


@router.post("/api/v1/suggest", summary="operator suggestions for what a caller said")
async def suggest(body: SuggestIn, request: Request) -> dict[str, Any]:
    """Intent with confidence, entities, and the top three read-aloud replies with citations.

    Without the engine the replies still come (from retrieval) and ``engine`` says "down".
    """
    started = time.perf_counter()
    await _ensure_warm()
    try:
        parse: dict[str, Any] | None = await request.app.state.engine.parse(body.text)
    except EngineError:
        parse = None
    result = build_suggestions(body.text, parse, province=body.province)
    data = result.to_dict()
    data["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return data


# -- pages -------------------------------------------------------------------------------


@router.get("/console/login", response_class=HTMLResponse, include_in_schema=False)
async def login_page(request: Request) -> Response:
    config = _config(request)
    token = auth_web.login_csrf_token(request, config)
    page = templates.TemplateResponse(
        request, "console_login.html", {"csrf_token": token, "error": None}
    )
    auth_web.set_login_csrf_cookie(page, config, token)
    return page


@router.post("/console/login", include_in_schema=False)
async def login_submit(
    request: Request,
    username: str = Form(max_length=64),
    password: str = Form(max_length=256),
    csrf_token: str = Form(default="", max_length=128),
) -> Response:
    config = _config(request)
    response = RedirectResponse("/console", status_code=303)
    result = await auth_web.login(
        request,
        response,
        config=config,
        database=request.app.state.database,
        redis_client=request.app.state.redis,
        username=username,
        password=password,
        csrf_token=csrf_token,
    )
    if result.user is not None:
        return response
    token = auth_web.login_csrf_token(request, config)
    page = templates.TemplateResponse(
        request, "console_login.html", {"csrf_token": token, "error": result.error}, 400
    )
    auth_web.set_login_csrf_cookie(page, config, token)
    return page


@router.post("/console/logout", include_in_schema=False)
async def logout(request: Request, csrf_token: str = Form(default="", max_length=128)) -> Response:
    user, session = _operator(request)
    if not auth_web.check_csrf(session, csrf_token):
        raise HTTPException(status_code=403, detail="页面已过期，请刷新。")
    await _desk(request).sign_off(user.username)
    response = RedirectResponse("/console/login", status_code=303)
    auth_web.logout(response, _config(request), database=request.app.state.database, data=session)
    return response


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
async def console_page(request: Request) -> Response:
    try:
        user, session = auth_web.current_user(request, _config(request), request.app.state.database)
    except LoginRequired:
        return RedirectResponse("/console/login", status_code=303)
    except PermissionDenied as error:
        return HTMLResponse(str(error), status_code=403)
    asyncio.get_running_loop().create_task(_ensure_warm())
    return templates.TemplateResponse(
        request,
        "console.html",
        {"operator": user.display_name, "csrf_token": session.csrf_token},
    )


@router.get("/console/static/{name}", include_in_schema=False)
async def console_static(name: str) -> Response:
    found = STATIC.get(name)
    if found is None:
        raise HTTPException(status_code=404)
    media_type, path = found
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=300"})


# -- handoff queue -----------------------------------------------------------------------


class SenderIn(BaseModel):
    sender_id: str = Field(max_length=170)


class ReplyIn(SenderIn):
    text: str = Field(min_length=1, max_length=2000)


@router.post("/console/api/presence", summary="operator heartbeat; returns the queue")
async def presence(request: Request) -> dict[str, Any]:
    """The operator is on duty for the next minute; the queue as it stands."""
    user, _ = _changing(request)
    desk = _desk(request)
    await desk.heartbeat(user.username)
    now = time.time()
    queue = [
        {
            **handoff.to_dict(),
            "who": f"{handoff.channel} · {masked(handoff.user_id)}",
            "waiting_s": round(now - handoff.opened_at),
        }
        for handoff in await desk.queue()
    ]
    return {"on_duty": await desk.operators_on_duty(), "queue": queue}


@router.get("/console/api/thread", summary="one handed-off conversation")
async def thread(request: Request, sender_id: str) -> dict[str, Any]:
    _operator(request)
    desk = _desk(request)
    handoff = await desk.get(_sender(sender_id))
    if handoff is None:
        raise HTTPException(status_code=404, detail="这段对话已经结束。")
    lines = await desk.thread(handoff.sender_id)
    return {
        "handoff": {**handoff.to_dict(), "who": f"{handoff.channel} · {masked(handoff.user_id)}"},
        "lines": [line.to_dict() for line in lines],
    }


@router.post("/console/api/reply", summary="the operator answers a handed-off conversation")
async def reply(body: ReplyIn, request: Request) -> JSONResponse:
    """Send the operator's words through the worker's own channel, and take the conversation."""
    user, _ = _changing(request)
    desk = _desk(request)
    handoff = await desk.get(_sender(body.sender_id))
    if handoff is None:
        raise HTTPException(status_code=404, detail="这段对话已经结束。")
    if handoff.status != "active":
        await desk.claim(handoff.sender_id, user.username)
    try:
        await request.app.state.channels.deliveries.deliver(
            handoff.channel, handoff.user_id, [Reply(text=body.text)]
        )
    except DeliveryError:
        await desk.append(handoff.sender_id, "system", "（发送失败，请稍后重试）")
        return JSONResponse({"delivered": False, "detail": "消息没有发出去，请稍后重试。"}, 502)
    await desk.append(handoff.sender_id, "operator", body.text)
    return JSONResponse({"delivered": True})


@router.post("/console/api/close", summary="hand the conversation back to the assistant")
async def close(body: SenderIn, request: Request) -> dict[str, Any]:
    _changing(request)
    desk = _desk(request)
    handoff = await desk.get(_sender(body.sender_id))
    if handoff is None:
        return {"closed": False}
    # Closing must not depend on the worker's channel being reachable.
    with contextlib.suppress(DeliveryError):
        await request.app.state.channels.deliveries.deliver(
            handoff.channel, handoff.user_id, [Reply(text=CLOSING_TEXT)]
        )
    return {"closed": await desk.close(handoff.sender_id)}


# -- walkthrough or booking on the caller's behalf ----------------------------------------


class AssistIn(BaseModel):
    call_id: str | None = Field(default=None, description="the call's conversation; new if empty")
    text: str = Field(min_length=1, max_length=2000, description="a payload or the caller's words")
    province: str | None = Field(default=None, max_length=32)


@router.post("/console/api/assist", summary="talk to the assistant on the caller's behalf")
async def assist(body: AssistIn, request: Request) -> dict[str, Any]:
    """One turn of the call's own conversation (channel ``console``), e.g. starting a
    walkthrough (``/maternity_leave{"province": "山东省"}``) or a booking."""
    user, _ = _changing(request)
    call_id = body.call_id if body.call_id and _CALL_ID.fullmatch(body.call_id) else None
    call_id = call_id or uuid.uuid4().hex
    turn = await request.app.state.conversations.handle(
        IncomingMessage(
            channel=CONSOLE_CHANNEL,
            user_id=f"{user.id}-{call_id}",
            text=body.text,
            slots={"province": body.province} if body.province else {},
        ),
        with_parse=True,
    )
    return {
        "call_id": call_id,
        "intent": turn.intent,
        "replies": [reply_to_dict(r) for r in turn.replies],
        "degraded": turn.degraded,
    }
