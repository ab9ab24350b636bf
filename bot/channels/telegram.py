"""The Telegram channel (python-telegram-bot 22): webhook ``POST /telegram/{secret}``.

Telegram signs nothing, so the webhook is protected twice by the same secret: in the path
and in the ``X-Telegram-Bot-Api-Secret-Token`` header Telegram adds when the webhook was set
with ``secret_token``. Answers are sent with ``sendMessage``; buttons are inline keyboards.
A retried update (same ``update_id``) is answered once. For local use without a public
address, ``hotline telegram poll`` fetches updates by long polling and hands each one to
this same webhook, so both paths behave identically.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request, Response
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.channels.buttons import ButtonMemory
from bot.channels.delivery import reply_from_dict, reply_to_dict
from bot.channels.errors import BadPayload, BadSignature, ChannelNotConfigured, DeliveryError
from bot.channels.ledger import Claim, MessageLedger, Outcome
from bot.channels.relay import Relay
from bot.channels.text import split_chars
from bot.conversation import IncomingMessage, Reply

__all__ = ["TelegramChannel", "router"]

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 256 * 1024

NON_TEXT_TEXT = (
    "收到。我目前只能看懂文字消息，请用文字简单说说您遇到的情况。"
    "图片、语音、文件等请保存好，咨询律师或申请仲裁时可以作为证据。"
)


def _callback_data(index: int, button_payload: str) -> str:
    """The payload itself when it fits Telegram's 64 bytes, else its number ("#2")."""
    if len(button_payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return button_payload
    return f"#{index + 1}"


def render(replies: Sequence[Reply]) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Telegram messages for one turn: text with citations; buttons as an inline keyboard."""
    messages: list[tuple[str, InlineKeyboardMarkup | None]] = []
    index = 0
    for reply in replies:
        text = reply.text.strip()
        missing = [c for c in reply.citations if c not in text]
        if missing:
            text += "\n依据：" + "；".join(missing)
        parts = split_chars(text, TEXT_LIMIT) or [""]
        keyboard = None
        if reply.buttons:
            rows = []
            for button in reply.buttons:
                data = _callback_data(index, button.payload)
                rows.append([InlineKeyboardButton(button.title, callback_data=data)])
                index += 1
            keyboard = InlineKeyboardMarkup(rows)
        for number, part in enumerate(parts):
            if part:
                messages.append((part, keyboard if number == len(parts) - 1 else None))
    return messages


class TelegramChannel:
    def __init__(
        self,
        *,
        bot: Bot,
        secret: str,
        relay: Relay,
        ledger: MessageLedger,
        buttons: ButtonMemory,
    ) -> None:
        self._bot = bot
        self._secret = secret
        self._relay = relay
        self._ledger = ledger
        self._buttons = buttons

    @property
    def bot(self) -> Bot:
        return self._bot

    def check(self, path_secret: str, header_secret: str | None) -> None:
        """Both the path and Telegram's secret-token header must carry the secret."""
        path_ok = hmac.compare_digest(path_secret.encode(), self._secret.encode())
        header_ok = header_secret is not None and hmac.compare_digest(
            header_secret.encode(), self._secret.encode()
        )
        if not (path_ok and header_ok):
            raise BadSignature("Telegram webhook secret mismatch")

    async def handle(self, data: dict[str, Any]) -> None:
        """Answer one Update (a message or an inline-keyboard press)."""
        try:
            update = Update.de_json(data, self._bot)
            chat = update.effective_chat if update is not None else None
        # PTB converts fields unchecked: malformed JSON of the right outline raises any of
        # these (e.g. a string where an object belongs, a date past the year 9999, replies
        # to replies nested thousands deep).
        except (
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            ArithmeticError,
            OSError,
            RecursionError,
        ) as error:
            raise BadPayload("not a Telegram Update") from error
        if update is None:
            raise BadPayload("empty Update")
        if chat is None or chat.type != "private":
            return  # the assistant talks to one worker at a time, never in groups
        if not isinstance(chat.id, int) or isinstance(chat.id, bool):
            raise BadPayload("chat id is not a number")
        user_id = str(chat.id)
        claim = await self._ledger.claim(CHANNEL, str(update.update_id))
        if not claim.first:
            await self._redeliver(claim, user_id)
            return
        text = await self._text_of(update, user_id)
        if text is None:
            await self.deliver(user_id, [Reply(text=NON_TEXT_TEXT)])
            await self._ledger.finish(claim, Outcome("answered"))
            return
        try:
            result = await self._relay.handle(
                IncomingMessage(
                    channel=CHANNEL, user_id=user_id, text=text, message_id=str(update.update_id)
                )
            )
        except Exception:
            await self._ledger.release(claim)
            raise
        try:
            await self.deliver(user_id, result.replies)
        except DeliveryError:
            # Keep the answer: Telegram retries the update and the retry sends it, without
            # asking the engine a second time.
            pending = json.dumps([reply_to_dict(r) for r in result.replies], ensure_ascii=False)
            await self._ledger.finish(claim, Outcome("deferred", [pending]))
            raise
        await self._ledger.finish(claim, Outcome("answered"))

    async def _redeliver(self, claim: Claim, user_id: str) -> None:
        """A retried update: send the first copy's answer if it could not be sent then."""
        outcome = await self._ledger.wait(claim, timeout_s=10.0)
        if outcome is None or outcome.state != "deferred" or not outcome.pages:
            return
        replies = [reply_from_dict(item) for item in json.loads(outcome.pages[0])]
        await self.deliver(user_id, replies)
        await self._ledger.finish(claim, Outcome("answered"))

    async def _text_of(self, update: Update, user_id: str) -> str | None:
        query = update.callback_query
        if query is not None:
            try:
                await query.answer()
            except TelegramError as error:
                log.info("callback query not acknowledged: %s", type(error).__name__)
            data = query.data if isinstance(query.data, str) else ""
            if data.startswith("#") and data[1:].isdigit():
                payload, _ = await self._buttons.resolve(f"{CHANNEL}:{user_id}", data[1:])
                return payload
            return data or None
        message: Message | None = update.message
        if message is None:
            return None
        if isinstance(message.text, str) and message.text:
            if message.text.startswith("/start"):
                return "/greet"
            return message.text
        return None

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> None:
        """Send replies to the chat ``user_id`` (also used for operator replies)."""
        try:
            for text, keyboard in render(replies):
                await self._bot.send_message(chat_id=int(user_id), text=text, reply_markup=keyboard)
        except TelegramError as error:
            log.warning("Telegram sendMessage failed: %s", type(error).__name__)
            raise DeliveryError(f"Telegram refused the message: {error}") from error


router = APIRouter(tags=["channels"])


@router.post("/telegram/{secret}", summary="Telegram webhook")
async def telegram_webhook(secret: str, request: Request) -> Response:
    """One Update from Telegram; 403 unless path and secret-token header carry the secret."""
    channels = getattr(request.app.state, "channels", None)
    channel: TelegramChannel | None = getattr(channels, "telegram", None)
    try:
        if channel is None:
            raise ChannelNotConfigured("TELEGRAM_TOKEN / TELEGRAM_WEBHOOK_SECRET not set")
        channel.check(secret, request.headers.get(SECRET_HEADER))
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise BadPayload("body too large")
        try:
            data = await request.json()
            # A lone surrogate (\ud800) is valid JSON but cannot be sent on as UTF-8.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        # UnicodeEncodeError is a ValueError too; RecursionError: arrays nested 100,000 deep
        except (ValueError, RecursionError) as error:
            raise BadPayload("not JSON") from error
        if not isinstance(data, dict):
            raise BadPayload("not a JSON object")
        await channel.handle(data)
    except ChannelNotConfigured:
        return Response(status_code=404)
    except BadSignature:
        return Response("forbidden", status_code=403, media_type="text/plain")
    except BadPayload:
        return Response("bad request", status_code=400, media_type="text/plain")
    except DeliveryError:
        # Telegram retries non-2xx updates; the ledger was released, so a retry answers.
        return Response("delivery failed", status_code=502, media_type="text/plain")
    return Response(status_code=200)
