"""JSON API used by the CLI (``hotline ask`` / ``hotline chat``) and the web chat."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from bot.conversation import IncomingMessage

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["conversation"])

MAX_TEXT = 2000


class MessageIn(BaseModel):
    channel: str = Field(default="api", pattern=r"^[a-z][a-z0-9_]{0,31}$")
    user_id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    message_id: str | None = Field(default=None, max_length=128)
    province: str | None = Field(default=None, max_length=32)


class ButtonOut(BaseModel):
    title: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    citations: list[str]
    buttons: list[ButtonOut] = []


class TurnOut(BaseModel):
    intent: str | None
    confidence: float | None
    entities: list[dict[str, Any]]
    replies: list[ReplyOut]
    degraded: bool = False


@router.post("/messages", response_model=TurnOut)
async def post_message(body: MessageIn, request: Request) -> dict[str, Any]:
    """One message in the conversation of (channel, user_id); replies with citations."""
    slots = {"province": body.province} if body.province else {}
    message = IncomingMessage(
        channel=body.channel,
        user_id=body.user_id,
        text=body.text,
        message_id=body.message_id,
        slots=slots,
    )
    turn = await request.app.state.conversations.handle(message, with_parse=True)
    return turn.to_dict()  # type: ignore[no-any-return]
