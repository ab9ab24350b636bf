"""Booking a 维权接待日 or 法律援助 appointment in the chat (a Rasa form).

service → city → nearest station → next free slots as buttons → consent → name → phone
(validated) → confirm with a summary → book. Every slot has a custom mapping filled by
``ValidateBookingForm.extract_*`` so that a button payload, an entity and typed text all
pass the same checks. The database work is one call of ``bot.booking.service`` per
step, run in a worker thread; a lost database gives the outage text with the hotlines.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.booking import service, station_registry
from bot.booking.errors import BookingError, BookingUnavailable, InvalidName, InvalidPhone
from bot.booking.links import calendar_path
from bot.booking.names import normalise_name
from bot.booking.phone import mask_phone, normalise_phone
from bot.booking.texts import (
    CONSENT_TEXT,
    HOTLINES,
    OUTAGE_TEXT,
    SERVICE_NAMES,
    AppointmentView,
    confirmation_text,
    summary_text,
)
from bot.settings import get_settings
from bot.store.db import session_scope
from flows.actions.booking_common import (
    booking_runtime_for_actions,
    entity,
    intent_of,
    now_utc,
    requested,
    run_db,
    sender,
    slot_button,
    text_of,
)

__all__ = [
    "BOOKING_SLOTS",
    "ActionAskBookingConfirmed",
    "ActionAskBookingConsent",
    "ActionAskBookingSlot",
    "ActionAskBookingStation",
    "ActionBookAppointment",
    "ActionStopBooking",
    "ValidateBookingForm",
    "run_db",
]

log = logging.getLogger(__name__)

BOOKING_SLOTS = (
    "booking_service",
    "booking_city",
    "booking_station",
    "booking_slot",
    "booking_consent",
    "person_name",
    "phone",
    "booking_confirmed",
)
STOP_INTENTS = frozenset({"deny", "goodbye", "human_handoff", "restart"})
# Short answers (a name, a number) are often misread by the NLU as goodbye or deny, so a
# stop needs the worker's own words for it, or a "no" button.
STOP_WORDS = re.compile(
    r"不约|算了|不用了|不要了|不想|取消|再见|拜拜|转人工|人工客服|找真人|重新开始"
)
NOT_QUESTIONS = frozenset(
    {
        "greet",
        "goodbye",
        "thanks",
        "affirm",
        "deny",
        "restart",
        "human_handoff",
        "bot_challenge",
        "inform",
        "out_of_scope",
        "nlu_fallback",
        "book_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "query_appointment",
    }
)
SLOT_CHOICES = 6
STOPPED_TEXT = (
    "好的，先不预约了，您的信息没有保存。需要时随时说“预约”；也可以直接拨打 " + HOTLINES + "。"
)


def wants_to_stop(tracker: Tracker) -> bool:
    """She asked to stop (not merely an NLU guess on a short answer)."""
    raw = str(tracker.latest_message.get("text") or "")
    if raw.startswith("/"):
        return intent_of(tracker) in STOP_INTENTS
    return bool(STOP_WORDS.search(raw))


def reset_events() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in (*BOOKING_SLOTS, "booking_pending", "lookup_key")]


def _service_from_text(text: str) -> str | None:
    if re.search(r"法律援助|法援|律师", text):
        return "legal_aid"
    if re.search(r"接待|维权日|调解|仲裁员", text):
        return "reception_day"
    return None


def _yes_no(tracker: Tracker) -> bool | None:
    intent = intent_of(tracker)
    text = text_of(tracker)
    if intent == "deny" or re.search(r"不同意|不要|不用|不约|算了|取消", text):
        return False
    if intent == "affirm" or re.search(r"同意|确认|好的|可以|是的|对", text):
        return True
    return None


class ValidateBookingForm(FormValidationAction):
    """Fills and checks the booking form's slots."""

    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # A "no" to the consent or the summary ends the form: nothing more is asked.
        if tracker.get_slot("booking_consent") is False:
            return domain_slots[: domain_slots.index("booking_consent") + 1]
        return domain_slots

    # --- extraction --------------------------------------------------------------

    async def extract_booking_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "service")
        if value is None and (
            tracker.get_slot("booking_service") is None or requested(tracker, "booking_service")
        ):
            value = _service_from_text(text_of(tracker))
        return {"booking_service": value} if value else {}

    async def extract_booking_city(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("booking_city") and not requested(tracker, "booking_city"):
            return {}
        value = entity(tracker, "city") or entity(tracker, "province")
        if value is None and requested(tracker, "booking_city"):
            value = text_of(tracker) or None
        if value is None and tracker.get_slot("booking_city") is None:
            value = tracker.get_slot("city") or tracker.get_slot("province")
        return {"booking_city": value} if value else {}

    async def extract_booking_station(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "booking_station")
        return {"booking_station": value} if value else {}

    async def extract_booking_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "booking_slot")
        return {"booking_slot": value} if value else {}

    async def extract_booking_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "booking_consent"):
            return {}
        answer = _yes_no(tracker)
        return {} if answer is None else {"booking_consent": answer}

    async def extract_person_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if requested(tracker, "person_name"):
            if wants_to_stop(tracker):
                return {}
            value = entity(tracker, "person_name") or text_of(tracker)
            return {"person_name": value} if value else {}
        return {}

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if requested(tracker, "phone"):
            if wants_to_stop(tracker):
                return {}
            value = entity(tracker, "phone") or text_of(tracker)
            return {"phone": value} if value else {}
        return {}

    async def extract_booking_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "booking_confirmed"):
            return {}
        answer = _yes_no(tracker)
        return {} if answer is None else {"booking_confirmed": answer}

    # --- validation --------------------------------------------------------------

    def validate_booking_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in SERVICE_NAMES:
            return {"booking_service": value}
        dispatcher.utter_message(text="请点选“维权接待日”或“法律援助咨询”。")
        return {"booking_service": None}

    def validate_booking_city(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()[:30]
        return {"booking_city": text or None}

    async def validate_booking_station(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        wanted = str(tracker.get_slot("booking_service") or "")

        def check() -> bool:
            with session_scope(booking_runtime_for_actions().engine) as session:
                station = station_registry.get_station(session=session, station_id=int(value))
                return station is not None and wanted in (station.services or [])

        try:
            ok = str(value).isdigit() and await run_db(check)
        except BookingUnavailable as error:
            dispatcher.utter_message(text=str(error))
            return {"booking_station": None}
        if not ok:
            dispatcher.utter_message(text="请从列出的工作站里选一个。")
            return {"booking_station": None}
        return {"booking_station": str(value), "booking_slot": None}

    async def validate_booking_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        station_id = str(tracker.get_slot("booking_station") or "")
        runtime = booking_runtime_for_actions()
        now = now_utc()

        def check() -> str | None:
            with session_scope(runtime.engine) as session:
                slot = service.get_slot(session=session, slot_id=int(value))
                if slot is None or str(slot.station_id) != station_id:
                    return "请从列出的时间里选一个。"
                if slot.booked_count >= slot.capacity:
                    return "这个时间刚刚约满了，请换一个时间。"
                try:
                    runtime.policy.check_bookable(slot.starts_at, now)
                except BookingError as error:
                    return str(error)
                return None

        try:
            problem = (
                "请从列出的时间里选一个。" if not str(value).isdigit() else await run_db(check)
            )
        except BookingUnavailable as error:
            dispatcher.utter_message(text=str(error))
            return {"booking_slot": None}
        if problem:
            dispatcher.utter_message(text=problem)
            return {"booking_slot": None}
        return {"booking_slot": str(value)}

    def validate_booking_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"booking_consent": bool(value)}

    def validate_person_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return {"person_name": normalise_name(str(value))}
        except InvalidName as error:
            dispatcher.utter_message(text=str(error))
            return {"person_name": None}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return {"phone": normalise_phone(str(value))}
        except InvalidPhone as error:
            dispatcher.utter_message(text=str(error))
            return {"phone": None}

    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"booking_confirmed": bool(value)}


class ActionAskBookingStation(Action):
    """The stations nearest to her city, as buttons."""

    def name(self) -> str:
        return "action_ask_booking_station"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        place = tracker.get_slot("booking_city")
        wanted = tracker.get_slot("booking_service")

        def nearest() -> tuple[str, str | None, list[tuple[int, str, str]]]:
            with session_scope(booking_runtime_for_actions().engine) as session:
                found = station_registry.nearest_stations(
                    session=session, place_text=place, service=wanted
                )
                return (
                    found.matched,
                    found.place,
                    [(s.id, s.name, s.address) for s in found.stations],
                )

        try:
            matched, named, stations = await run_db(nearest)
        except BookingUnavailable as error:
            dispatcher.utter_message(text=str(error))
            return []
        if not stations:
            dispatcher.utter_message(
                text=f"目前还没有开通在线预约的工作站。请直接拨打 {HOTLINES} 咨询和预约。"
            )
            return []
        if matched == "anywhere":
            intro = (
                f"{named or '您所在的地方'}暂时没有开通在线预约的工作站。下面是已开通的工作站；"
                f"也可以拨打 12351（工会）或 12333（人社）问问当地的维权接待日。"
            )
        else:
            intro = f"离您最近的工作站（{named}）："
        lines = [intro] + [
            f"{i}. {name}（{address}）" for i, (_, name, address) in enumerate(stations, start=1)
        ]
        dispatcher.utter_message(
            text="\n".join(lines) + "\n请选择一个：",
            buttons=[
                {"title": name, "payload": f'/inform{{"booking_station": "{sid}"}}'}
                for sid, name, _ in stations
            ],
        )
        return []


class ActionAskBookingSlot(Action):
    """The next free times at the chosen station, as buttons."""

    def name(self) -> str:
        return "action_ask_booking_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        station_id = int(tracker.get_slot("booking_station") or 0)
        wanted = str(tracker.get_slot("booking_service") or "")
        runtime = booking_runtime_for_actions()

        def free() -> tuple[list[dict[str, str]], str | None]:
            with session_scope(runtime.engine) as session:
                slots = service.free_slots(
                    session=session,
                    station_id=station_id,
                    service=wanted,
                    now=now_utc(),
                    policy=runtime.policy,
                    limit=SLOT_CHOICES,
                )
                station = station_registry.get_station(session=session, station_id=station_id)
                return [slot_button(s) for s in slots], station.phone if station else None

        try:
            buttons, phone = await run_db(free)
        except BookingUnavailable as error:
            dispatcher.utter_message(text=str(error))
            return []
        if not buttons:
            call = f"工作站电话 {phone}" if phone else "12351 或 12333"
            dispatcher.utter_message(
                text=f"这个工作站最近{runtime.policy.horizon_days}天的{SERVICE_NAMES[wanted]}"
                f"已经约满了。您可以选择其他工作站，或拨打{call}询问。",
            )
            return [SlotSet("booking_station", None), FollowupAction("action_ask_booking_station")]
        dispatcher.utter_message(text="可以预约的时间如下，请选择一个：", buttons=buttons)
        return []


class ActionAskBookingConsent(Action):
    """Why we ask for her data and how long we keep it, before asking for it."""

    def name(self) -> str:
        return "action_ask_booking_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=CONSENT_TEXT.format(days=booking_runtime_for_actions().policy.retention_days),
            buttons=[
                {"title": "同意，继续预约", "payload": "/affirm"},
                {"title": "不同意", "payload": "/deny"},
            ],
        )
        return []


def _view_from_slots(tracker: Tracker) -> AppointmentView | None:
    slot_id = int(tracker.get_slot("booking_slot") or 0)
    with session_scope(booking_runtime_for_actions().engine) as session:
        slot = service.get_slot(session=session, slot_id=slot_id)
        if slot is None:
            return None
        station = slot.station
        return AppointmentView(
            code="",
            service=slot.service.value,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            station_name=station.name,
            address=station.address,
            station_phone=station.phone,
            person_name=str(tracker.get_slot("person_name") or ""),
            phone_masked=mask_phone(str(tracker.get_slot("phone") or "")),
            status="booked",
            opening_notes=station.opening_notes,
        )


class ActionAskBookingConfirmed(Action):
    """The summary she confirms before anything is written."""

    def name(self) -> str:
        return "action_ask_booking_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            view = await run_db(_view_from_slots, tracker)
        except BookingUnavailable as error:
            dispatcher.utter_message(text=str(error))
            return []
        if view is None:
            dispatcher.utter_message(text="这个时间已经不能预约了，请重新选择时间。")
            return [SlotSet("booking_slot", None)]
        dispatcher.utter_message(
            text=summary_text(view),
            buttons=[
                {"title": "确认预约", "payload": "/affirm"},
                {"title": "不约了", "payload": "/deny"},
            ],
        )
        return []


def question_of(tracker: Tracker) -> tuple[str | None, str | None]:
    """Her latest question about rights (its class and her words), for the station."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = str(event.get("text") or "")
        if intent and intent not in NOT_QUESTIONS and not text.startswith("/"):
            return str(intent), text[:200]
    return None, None


def idempotency_key(tracker: Tracker) -> str:
    """The channel's message id when the gateway passed one (WeChat MsgId), else Rasa's."""
    latest = tracker.latest_message
    metadata = latest.get("metadata") or {}
    message_id = metadata.get("message_id") or latest.get("message_id") or ""
    return f"{tracker.sender_id}:{message_id}"[:128] if message_id else ""


class ActionBookAppointment(Action):
    """Book after she confirmed; say the code, address and what to bring."""

    def name(self) -> str:
        return "action_book_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not tracker.get_slot("booking_consent") or not tracker.get_slot("booking_confirmed"):
            dispatcher.utter_message(text=STOPPED_TEXT)
            return reset_events()
        channel, user = sender(tracker)
        question, summary = question_of(tracker)
        runtime = booking_runtime_for_actions()
        request = service.BookingRequest(
            slot_id=int(tracker.get_slot("booking_slot") or 0),
            person_name=str(tracker.get_slot("person_name") or ""),
            phone=str(tracker.get_slot("phone") or ""),
            channel=channel,
            channel_user_id=user,
            question_class=question,
            summary=summary,
            idempotency_key=idempotency_key(tracker) or None,
        )

        def book() -> AppointmentView:
            with session_scope(runtime.engine) as session:
                outcome = service.book(
                    session=session,
                    request=request,
                    now=now_utc(),
                    policy=runtime.policy,
                    cipher=runtime.cipher,
                )
                return service.view_of(outcome.appointment)

        try:
            view = await run_db(book)
        except BookingUnavailable:
            dispatcher.utter_message(text=OUTAGE_TEXT)
            return [SlotSet("booking_confirmed", None)]
        except BookingError as error:  # the seat went meanwhile: choose again
            dispatcher.utter_message(text=str(error))
            return [
                SlotSet("booking_slot", None),
                SlotSet("booking_confirmed", None),
                FollowupAction("booking_form"),
            ]
        secret = get_settings().dev_secret("secret_key")
        link = runtime.public_url + calendar_path(secret, view.code)
        dispatcher.utter_message(
            json_message={
                "text": confirmation_text(view, ics_url=link),
                "appointment_code": view.code,
                "ics_url": link,
            }
        )
        return reset_events()


class ActionStopBooking(Action):
    """She does not want to go on: nothing is kept, and she is told whom to call."""

    def name(self) -> str:
        return "action_stop_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=STOPPED_TEXT)
        return reset_events()
