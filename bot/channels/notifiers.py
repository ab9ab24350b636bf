"""Appointment reminders through the channel each worker booked from.

``hotline appointments remind`` loads ``build_notifiers`` (this module is the one place where
the booking's ``Notifier`` interface meets the channels; the import-linter contract allows
``bot.booking.notify`` here and nothing else of ``bot.booking``):

- WeChat: a *template message*. An official account may send free-form (customer-service)
  messages only within 48 hours of the worker's last message, and a reminder comes days
  after the booking, so it must be a template chosen in the account's back office
  (``WECHAT_REMINDER_TEMPLATE_ID``).
- Telegram: an ordinary bot message (``sendMessage``).
- Web chat: the reminder waits in the chat's outbox; the page shows it the next time the
  worker opens the chat.

A notifier never raises for a refused or impossible delivery: it answers
``DeliveryResult(False, detail)``, the run lists it and tries again next time. Details name
the platform's error code, never a phone number, a name or a token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions
import requests
from telegram import Bot
from telegram.error import TelegramError
from telegram.request import BaseRequest, HTTPXRequest
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.booking.notify import DeliveryResult, Notifier, Reminder
from bot.channels.delivery import Outbox
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TEXT_LIMIT as TELEGRAM_TEXT_LIMIT
from bot.channels.text import split_chars
from bot.channels.webchat import CHANNEL as WEB
from bot.channels.wechat import CHANNEL as WECHAT
from bot.channels.wechat_api import make_wechat_client
from bot.conversation import Reply
from bot.redis_client import make_redis
from bot.settings import Settings

__all__ = [
    "TEMPLATE_KEYWORDS",
    "TelegramReminderNotifier",
    "WeChatTemplateNotifier",
    "WebChatReminderNotifier",
    "build_notifiers",
    "template_data",
]

# The template's keywords, in the order WeChat's "预约提醒"-style templates show them, and
# the ``Reminder.fields`` entry each one shows. The account's template must match this.
TEMPLATE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("keyword1", "service"),
    ("keyword2", "when"),
    ("keyword3", "place"),
    ("keyword4", "code"),
)
TEMPLATE_FIRST = "您好，您明天有一个预约，请按时前往。"
USER_REFUSED = 43101  # the worker has not accepted (or has refused) this template


def template_data(reminder: Reminder) -> dict[str, dict[str, str]]:
    """The template's ``data``: a greeting, the keywords from ``Reminder.fields``, a remark."""
    fields = reminder.fields
    place = "，".join(
        part
        for part in (
            fields.get("station", reminder.station_name),
            fields.get("address", reminder.address),
        )
        if part
    )
    values = {
        "service": fields.get("service", ""),
        "when": fields.get("when") or fields.get("time", ""),
        "place": place,
        "code": fields.get("code", reminder.appointment_code),
    }
    data = {"first": {"value": TEMPLATE_FIRST}}
    data.update({keyword: {"value": values[name]} for keyword, name in TEMPLATE_KEYWORDS})
    remark = "请带上身份证、劳动合同、工资条和相关材料。"
    if fields.get("phone"):
        remark += f"如不能前来，请致电 {fields['phone']}。"
    data["remark"] = {"value": remark}
    return data


def _wechat_detail(error: WeChatClientException) -> str:
    """What went wrong, from WeChat's error code (its messages hold no personal data)."""
    if error.errcode is None:  # an HTTP error status, raised by wechatpy before any JSON
        status = getattr(getattr(error, "response", None), "status_code", None)
        return f"WeChat API HTTP {status}"
    if error.errcode == USER_REFUSED:
        return f"WeChat error {USER_REFUSED}: the worker has not accepted this template message"
    return f"WeChat error {error.errcode}: {error.errmsg}"


class WeChatTemplateNotifier:
    """Sends the reminder as a WeChat template message (``message/template/send``).

    ``client`` is None when AppID/AppSecret are not set. The template opens the
    appointment's calendar link when the reminder carries one.
    """

    def __init__(self, client: WeChatClient | None, template_id: str | None) -> None:
        self._client = client
        self._template_id = template_id

    async def send_reminder(self, reminder: Reminder) -> DeliveryResult:
        if self._client is None:
            return DeliveryResult(False, "WeChat API not configured (WECHAT_APP_ID/APP_SECRET)")
        if not self._template_id:
            return DeliveryResult(
                False, "WeChat reminder template not configured (WECHAT_REMINDER_TEMPLATE_ID)"
            )
        try:
            # wechatpy is synchronous (requests): keep the event loop free meanwhile.
            await asyncio.to_thread(
                self._client.message.send_template,
                reminder.channel_user_id,
                self._template_id,
                template_data(reminder),
                url=reminder.link or None,
            )
        except WeChatClientException as error:
            return DeliveryResult(False, _wechat_detail(error))
        except (requests.RequestException, OSError) as error:
            return DeliveryResult(False, f"WeChat API unreachable ({type(error).__name__})")
        except redis.exceptions.RedisError as error:  # the shared access-token cache
            return DeliveryResult(False, f"WeChat token cache unreachable ({type(error).__name__})")
        return DeliveryResult(True, "WeChat template message sent")


def _default_telegram_request() -> BaseRequest:
    return HTTPXRequest(connection_pool_size=1)


class TelegramReminderNotifier:
    """Sends the reminder as a Telegram bot message to the chat she booked from.

    A bot (and its HTTP client) per reminder, closed afterwards: the CLI runs once a day
    in its own event loop, and nothing should outlive it.
    """

    def __init__(
        self,
        token: str | None,
        *,
        base_url: str = "https://api.telegram.org/bot",
        make_request: Callable[[], BaseRequest] = _default_telegram_request,
    ) -> None:
        self._token = token
        self._base_url = base_url
        self._make_request = make_request

    async def send_reminder(self, reminder: Reminder) -> DeliveryResult:
        if not self._token:
            return DeliveryResult(False, "Telegram not configured (TELEGRAM_TOKEN)")
        try:
            chat_id = int(reminder.channel_user_id)
        except ValueError:
            return DeliveryResult(False, "not a Telegram chat id")
        request = self._make_request()
        bot = Bot(
            self._token, base_url=self._base_url, request=request, get_updates_request=request
        )
        try:
            for part in split_chars(reminder.text, TELEGRAM_TEXT_LIMIT):
                await bot.send_message(chat_id=chat_id, text=part)
        except TelegramError as error:
            # Network errors may quote the request URL, which holds the bot token.
            detail = f"{type(error).__name__}: {error.message}".replace(self._token, "***")
            return DeliveryResult(False, f"Telegram refused the message ({detail})")
        finally:
            await request.shutdown()
        return DeliveryResult(True, "Telegram message sent")


class WebChatReminderNotifier:
    """Puts the reminder into the web chat's outbox (Redis, shared with the gateway).

    The web chat has no push: the worker sees the reminder the next time she opens the
    chat in the same browser (the page collects its outbox while it is open). Outbox
    messages are kept 24 hours, enough for a reminder sent the day before. Without
    ``REDIS_URL`` the gateway's outbox lives in its own process, out of this command's
    reach, so the reminder is reported as not delivered.
    """

    def __init__(self, connect: Callable[[], aioredis.Redis] | None) -> None:
        self._connect = connect

    async def send_reminder(self, reminder: Reminder) -> DeliveryResult:
        if self._connect is None:
            return DeliveryResult(False, "web chat outbox not configured (REDIS_URL)")
        client = self._connect()
        try:
            await Outbox(client, WEB).deliver(reminder.channel_user_id, [Reply(text=reminder.text)])
        except (redis.exceptions.RedisError, OSError) as error:
            return DeliveryResult(False, f"web chat outbox unreachable ({type(error).__name__})")
        finally:
            await client.aclose()
        return DeliveryResult(True, "waiting in the web chat for her next visit")


def build_notifiers(settings: Settings) -> dict[str, Notifier]:
    """One notifier per channel; an unconfigured channel's notifier reports not delivered.

    Every channel gets a notifier even when it is off, so that ``appointments remind``
    says *why* a reminder was not sent instead of "no notifier".
    """
    wechat_client: Any = None
    if settings.wechat_app_id and settings.wechat_app_secret is not None:
        wechat_client = make_wechat_client(settings)  # token cached in Redis when set
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
    redis_url = settings.redis_url
    return {
        WECHAT: WeChatTemplateNotifier(wechat_client, settings.wechat_reminder_template_id),
        TELEGRAM: TelegramReminderNotifier(token, base_url=settings.telegram_api_base_url),
        WEB: WebChatReminderNotifier((lambda: make_redis(redis_url)) if redis_url else None),
    }
