"""JSON API used by the CLI (``hotline ask`` / ``hotline chat``) and the web chat."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.channels.flood import FloodGuard
from bot.conversation import IncomingMessage, Reply, Turn

__all__ = ["router", "validation_error_handler"]

router = APIRouter(prefix="/api/v1", tags=["conversation"])

MAX_TEXT = 2000
# The user id becomes part of the engine's conversation URL (/conversations/{sender}/…),
# which Rasa does not percent-decode: only characters that need no escaping are accepted.
USER_ID_PATTERN = r"^[A-Za-z0-9_.@-]{1,128}$"


class MessageIn(BaseModel):
    channel: str = Field(default="api", pattern=r"^[a-z][a-z0-9_]{0,31}$")
    user_id: str = Field(min_length=1, max_length=128, pattern=USER_ID_PATTERN)
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


@router.post(
    "/messages",
    response_model=TurnOut,
    responses={429: {"model": TurnOut, "description": "too many messages from this user"}},
)
async def post_message(body: MessageIn, request: Request) -> dict[str, Any] | JSONResponse:
    """One message in the conversation of (channel, user_id); replies with citations.

    Past the user's message rate limit the answer is 429 with a calm reply to show her
    (wait a minute, or call 12338/12333), and the message does not reach the engine.
    """
    state = request.app.state
    refusal = await FloodGuard.from_settings(state.redis, state.settings).check(
        f"{body.channel}:{body.user_id}"
    )
    if refusal is not None:
        turn = Turn(intent=None, confidence=None, entities=[], replies=[Reply(refusal.text)])
        return JSONResponse(
            turn.to_dict(), status_code=429, headers={"Retry-After": str(refusal.retry_after_s)}
        )
    slots = {"province": body.province} if body.province else {}
    message = IncomingMessage(
        channel=body.channel,
        user_id=body.user_id,
        text=body.text,
        message_id=body.message_id,
        slots=slots,
    )
    turn = await state.conversations.handle(message, with_parse=True)
    return turn.to_dict()  # type: ignore[no-any-return]


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as strings (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


class _EscapingJSONResponse(JSONResponse):
    """JSON that falls back to ``\\uXXXX`` escapes and quoted NaN when plain JSON fails."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except ValueError:  # a lone surrogate (UnicodeEncodeError) or NaN / Infinity
            return json.dumps(_json_safe(content), ensure_ascii=True, allow_nan=False).encode()


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, rendered so that echoing the bad input back cannot fail.

    Why: a JSON body may hold a lone surrogate (``"\\ud800"``) or ``NaN``; Python's JSON
    reader accepts both. Pydantic rightly refuses them, but FastAPI's own 422 echoes the
    input back and cannot write it as JSON, which turned hostile input into a 500.
    """
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return _EscapingJSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)
