"""Build every channel from the settings, once per gateway process (in its lifespan).

A channel whose credentials are not set is simply off (its routes answer 404): WeChat needs
``WECHAT_TOKEN`` (plus AppID and EncodingAESKey for safe mode, AppSecret for pushed
messages), Telegram needs ``TELEGRAM_TOKEN``. The web chat is always on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
import redis.asyncio as aioredis
from fastapi import APIRouter
from telegram import Bot

from bot.channels import telegram, webchat, wechat
from bot.channels.buttons import ButtonMemory
from bot.channels.delivery import Deliveries, Outbox
from bot.channels.flood import FloodGuard
from bot.channels.ledger import MessageLedger
from bot.channels.relay import Relay
from bot.channels.telegram import TelegramChannel
from bot.channels.wechat import WeChatChannel
from bot.channels.wechat_api import WeChatApi, make_wechat_client
from bot.console.handoff import HandoffDesk
from bot.conversation import ConversationService
from bot.engine.client import EngineClient
from bot.engine.gate import EngineGate
from bot.settings import Settings

__all__ = ["Channels", "channel_routers", "start_channels"]

log = logging.getLogger(__name__)


@dataclass
class Channels:
    relay: Relay
    desk: HandoffDesk
    deliveries: Deliveries
    web_outbox: Outbox
    engine: EngineClient
    wechat: WeChatChannel | None = None
    wechat_api: WeChatApi | None = None
    telegram: TelegramChannel | None = None

    async def aclose(self) -> None:
        if self.wechat is not None:
            await self.wechat.aclose()
        if self.telegram is not None:
            await self.telegram.bot.shutdown()
        await self.engine.aclose()


def channel_routers() -> list[APIRouter]:
    return [wechat.router, telegram.router, webchat.router]


def start_channels(
    settings: Settings,
    redis_client: aioredis.Redis,
    *,
    engine_transport: httpx.AsyncBaseTransport | None = None,
) -> Channels:
    """Every configured channel, sharing one relay, ledger and handoff desk.

    The channels get their own engine client with a longer timeout than the API's: an
    answer that misses WeChat's reply budget is still worth sending afterwards.
    """
    engine = EngineClient(
        settings.rasa_url,
        token=settings.dev_secret("rasa_token"),
        timeout_s=settings.channel_answer_timeout_s,
        client=httpx.AsyncClient(transport=engine_transport) if engine_transport else None,
        gate=EngineGate(
            settings.engine_max_in_flight
            * len(settings.rasa_url.split(","))
            * settings.engine_workers,
            max_wait_s=settings.channel_answer_timeout_s,
        ),
    )
    desk = HandoffDesk(redis_client)
    buttons = ButtonMemory(redis_client)
    flood = FloodGuard.from_settings(redis_client, settings)
    relay = Relay(ConversationService(engine, redis_client), redis_client, desk, buttons, flood)
    ledger = MessageLedger(redis_client)
    deliveries = Deliveries()
    web_outbox = Outbox(redis_client, webchat.CHANNEL)
    for polled in (webchat.CHANNEL, "api", "cli"):
        deliveries.register(polled, Outbox(redis_client, polled))
    channels = Channels(
        relay=relay, desk=desk, deliveries=deliveries, web_outbox=web_outbox, engine=engine
    )
    if settings.wechat_token is not None:
        if settings.wechat_app_id and settings.wechat_app_secret is not None:
            channels.wechat_api = WeChatApi(make_wechat_client(settings))
            deliveries.register(wechat.CHANNEL, channels.wechat_api)
        aes_key = settings.wechat_encoding_aes_key
        channels.wechat = WeChatChannel(
            token=settings.wechat_token.get_secret_value(),
            app_id=settings.wechat_app_id,
            encoding_aes_key=aes_key.get_secret_value() if aes_key else None,
            relay=relay,
            ledger=ledger,
            redis_client=redis_client,
            deliveries=deliveries,
            budget_s=settings.channel_reply_budget_s,
        )
    if settings.telegram_token is not None:
        bot = Bot(
            settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_base_url
        )
        channels.telegram = TelegramChannel(
            bot=bot,
            secret=settings.dev_secret("telegram_webhook_secret"),
            relay=relay,
            ledger=ledger,
            buttons=buttons,
        )
        deliveries.register(telegram.CHANNEL, channels.telegram)
    return channels
