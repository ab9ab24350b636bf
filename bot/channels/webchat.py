"""The web chat page under ``/chat`` for workers without WeChat or Telegram.

The worker's identity is a random id in an HttpOnly cookie (no account, no phone number):
the same browser continues the same conversation, and nobody can read another worker's
messages by guessing an id. Operator replies in a handed-off conversation wait in an outbox
that the page collects every few seconds.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from bot.channels.delivery import Outbox, reply_to_dict
from bot.channels.relay import Relay
from bot.conversation import IncomingMessage

__all__ = ["CHANNEL", "COOKIE", "router"]

CHANNEL = "web"
COOKIE = "hotline_chat"
COOKIE_MAX_AGE_S = 30 * 24 * 3600
REQUESTED_WITH = "hotline-chat"
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
HERE = Path(__file__).resolve().parent
STATIC = {
    "chat.css": ("text/css", HERE / "static" / "chat.css"),
    "chat.js": ("text/javascript", HERE / "static" / "chat.js"),
}
WELCOME_BUTTONS = [
    {"title": "怀孕被辞退", "payload": "/three_period_dismissal"},
    {"title": "产假有多少天", "payload": "/maternity_leave"},
    {"title": "哺乳时间", "payload": "/nursing_time"},
    {"title": "转人工", "payload": "/human_handoff"},
]

templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(tags=["web chat"])


class ChatMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000, description="what the worker typed or tapped")
    payload: str | None = Field(default=None, max_length=500, description="a tapped button")
    message_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


def _worker_id(request: Request) -> str | None:
    value = request.cookies.get(COOKIE)
    return value if value and _ID.fullmatch(value) else None


def _set_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https"
        or request.app.state.settings.hotline_env == "production",
        path="/chat",
    )


def _require(request: Request) -> str:
    """The worker's id; refuses requests a page of another site could forge."""
    if request.headers.get("x-requested-with") != REQUESTED_WITH:
        raise HTTPException(status_code=403, detail="forbidden")
    worker = _worker_id(request)
    if worker is None:
        raise HTTPException(status_code=401, detail="请刷新页面后再试")
    return worker


@router.get("/chat", response_class=HTMLResponse, summary="web chat page")
async def chat_page(request: Request) -> Response:
    worker = _worker_id(request)
    response = templates.TemplateResponse(
        request, "chat.html", {"welcome_buttons": WELCOME_BUTTONS}
    )
    _set_cookie(response, request, worker or secrets.token_urlsafe(24))
    return response


@router.get("/chat/static/{name}", include_in_schema=False)
async def chat_static(name: str) -> Response:
    found = STATIC.get(name)
    if found is None:
        raise HTTPException(status_code=404)
    media_type, path = found
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=300"})


@router.post("/chat/api/messages", summary="one web chat message")
async def chat_message(body: ChatMessageIn, request: Request) -> dict[str, Any]:
    worker = _require(request)
    relay: Relay = request.app.state.channels.relay
    result = await relay.handle(
        IncomingMessage(
            channel=CHANNEL,
            user_id=worker,
            text=body.payload or body.text,
            message_id=body.message_id,
        )
    )
    return {
        "replies": [reply_to_dict(r) for r in result.replies],
        "with_person": result.to_person or result.handoff is not None,
    }


@router.get("/chat/api/outbox", summary="messages waiting for this web chat")
async def chat_outbox(request: Request) -> dict[str, Any]:
    worker = _require(request)
    outbox: Outbox = request.app.state.channels.web_outbox
    replies = await outbox.drain(worker)
    return {"replies": [reply_to_dict(r) for r in replies]}
