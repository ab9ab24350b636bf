"""Finding, moving and cancelling a booking in the chat.

Her bookings are found from the chat she booked in; otherwise by the confirmation code
or the phone number she gives (``appointment_lookup_form``). Moving or cancelling needs
the chat she booked from or the code: a phone number alone only shows the booking. After
the cut-off she is told whom to call instead. Button payloads carry the code, the new
slot and the confirmation, so each step is one stateless call of this action.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.booking import service
from bot.booking.codes import looks_like_code
from bot.booking.errors import BookingError, BookingUnavailable, InvalidPhone
from bot.booking.phone import normalise_phone
from bot.booking.texts import SERVICE_NAMES, AppointmentView, format_when
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

__all__ = ["ActionManageAppointment", "ValidateAppointmentLookupForm"]

OPERATIONS = {
    "query_appointment": "query",
    "reschedule_appointment": "reschedule",
    "cancel_appointment": "cancel",
}
NOT_RECOGNISED = "?"
STATUS_TEXT = {"booked": "已预约", "checked_in": "已签到", "served": "已接待", "no_show": "未到"}


def _key_in(tracker: Tracker) -> str | None:
    """A confirmation code or a phone number in her message."""
    code = entity(tracker, "appointment_code") or looks_like_code(text_of(tracker))
    if code:
        return code
    for candidate in (entity(tracker, "phone"), text_of(tracker)):
        if candidate:
            try:
                return normalise_phone(candidate)
            except InvalidPhone:
                continue
    return None


class ValidateAppointmentLookupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_appointment_lookup_form"

    async def extract_lookup_key(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "lookup_key") or intent_of(tracker) == "deny":
            return {}
        return {"lookup_key": _key_in(tracker) or NOT_RECOGNISED}

    def validate_lookup_key(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Not a code or a number ("?"): the form ends and the action says what to send,
        # rather than asking again and again while she may be asking something else.
        return {"lookup_key": value or NOT_RECOGNISED}


def _describe(view: AppointmentView) -> str:
    return (
        f"预约码 {view.code}：{SERVICE_NAMES.get(view.service, view.service)}，"
        f"{format_when(view.starts_at, view.ends_at)}，{view.station_name}（{view.address}），"
        f"{STATUS_TEXT.get(view.status, view.status)}。"
    )


class ActionManageAppointment(Action):
    """Look up, move or cancel a booking (query / reschedule / cancel intents)."""

    def name(self) -> str:
        return "action_manage_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        operation = OPERATIONS.get(intent_of(tracker)) or tracker.get_slot("booking_pending")
        operation = operation or "query"
        key = _key_in(tracker) or tracker.get_slot("lookup_key")
        if key == NOT_RECOGNISED:
            dispatcher.utter_message(
                text="没有认出预约码或手机号。预约码是6位字母和数字（例如 K7P3QX），手机号是11位；"
                "可以再说一次“查预约”并发给我。也可以直接致电您预约的工作站。"
            )
            return [SlotSet("lookup_key", None), SlotSet("booking_pending", None)]
        channel, user = sender(tracker)
        runtime = booking_runtime_for_actions()
        now = now_utc()

        def find() -> tuple[list[AppointmentView], bool]:
            """Her live bookings and whether she may change them from here."""
            with session_scope(runtime.engine) as session:
                if key and looks_like_code(key) == key:
                    found = service.find_by_code(session=session, code=key)
                    live = found is not None and found.status.value in ("booked", "checked_in")
                    return ([service.view_of(found)] if live and found else []), True
                if key:
                    hits = service.find_by_phone(
                        session=session, phone=key, cipher=runtime.cipher, now=now
                    )
                    own = all(a.channel == channel and a.channel_user_id == user for a in hits)
                    return [service.view_of(a) for a in hits], own
                mine = service.live_for_user(
                    session=session, channel=channel, channel_user_id=user, now=now
                )
                return [service.view_of(a) for a in mine], True

        try:
            views, may_change = await run_db(find)
        except BookingUnavailable as error:
            dispatcher.utter_message(text=str(error))
            return []
        if not views:
            if key:
                dispatcher.utter_message(
                    text="没有找到这个预约码或手机号的有效预约。请核对后再发一次，"
                    "或说“预约”重新预约。"
                )
                return [SlotSet("lookup_key", None), SlotSet("booking_pending", None)]
            return [
                SlotSet("booking_pending", operation),
                FollowupAction("appointment_lookup_form"),
            ]
        events: list[dict[str, Any]] = [
            SlotSet("lookup_key", None),
            SlotSet("booking_pending", None),
        ]
        if operation == "query" or len(views) > 1 or not may_change:
            self._show(dispatcher, views, may_change)
            return events
        view = views[0]
        if operation == "cancel":
            await self._cancel(dispatcher, tracker, view)
        else:
            await self._reschedule(dispatcher, tracker, view)
        return events

    def _show(
        self, dispatcher: CollectingDispatcher, views: list[AppointmentView], may_change: bool
    ) -> None:
        lines = ["您的预约："] + [_describe(v) for v in views]
        buttons: list[dict[str, str]] = []
        if may_change:
            for v in views[:3]:
                code_arg = f'{{"appointment_code": "{v.code}"}}'
                buttons.append(
                    {"title": f"改时间 {v.code}", "payload": f"/reschedule_appointment{code_arg}"}
                )
                buttons.append(
                    {"title": f"取消 {v.code}", "payload": f"/cancel_appointment{code_arg}"}
                )
        else:
            lines.append("如需改约或取消，请发送预约码（预约成功时发给您的6位字母和数字）。")
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)

    async def _cancel(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, view: AppointmentView
    ) -> None:
        runtime = booking_runtime_for_actions()
        if entity(tracker, "change_confirmed") != "yes":
            try:
                runtime.policy.check_changeable(view.starts_at, now_utc(), view.station_phone)
            except BookingError as error:
                dispatcher.utter_message(text=str(error))
                return
            code_arg = f'{{"appointment_code": "{view.code}", "change_confirmed": "yes"}}'
            dispatcher.utter_message(
                text=f"要取消这个预约吗？\n{_describe(view)}",
                buttons=[
                    {"title": "确认取消", "payload": f"/cancel_appointment{code_arg}"},
                    {"title": "不取消", "payload": "/deny"},
                ],
            )
            return

        def cancel() -> None:
            with session_scope(runtime.engine) as session:
                service.cancel(
                    session=session, code=view.code, now=now_utc(), policy=runtime.policy
                )

        try:
            await run_db(cancel)
        except BookingError as error:
            dispatcher.utter_message(text=str(error))
            return
        dispatcher.utter_message(
            text=f"已取消预约 {view.code}（{format_when(view.starts_at)}）。名额已释放给其他人。"
            "需要时可以随时说“预约”重新预约。"
        )

    async def _reschedule(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, view: AppointmentView
    ) -> None:
        runtime = booking_runtime_for_actions()
        new_slot = entity(tracker, "booking_slot")
        try:
            runtime.policy.check_changeable(view.starts_at, now_utc(), view.station_phone)
        except BookingError as error:
            dispatcher.utter_message(text=str(error))
            return

        def offer() -> list[dict[str, str]]:
            with session_scope(runtime.engine) as session:
                current = service.find_by_code(session=session, code=view.code)
                if current is None:
                    return []
                slots = service.free_slots(
                    session=session,
                    station_id=current.station_id,
                    service=current.service.value,
                    now=now_utc(),
                    policy=runtime.policy,
                )
                return [
                    {
                        **slot_button(s),
                        "payload": "/reschedule_appointment"
                        f'{{"appointment_code": "{view.code}", "booking_slot": "{s.id}"}}',
                    }
                    for s in slots
                    if s.id != current.slot_id
                ]

        def move() -> AppointmentView:
            with session_scope(runtime.engine) as session:
                moved = service.reschedule(
                    session=session,
                    code=view.code,
                    slot_id=int(new_slot or 0),
                    now=now_utc(),
                    policy=runtime.policy,
                )
                return service.view_of(moved)

        try:
            if new_slot and new_slot.isdigit():
                moved = await run_db(move)
                dispatcher.utter_message(
                    text=f"已改约。预约码不变：{moved.code}。\n"
                    f"新的时间：{format_when(moved.starts_at, moved.ends_at)}，"
                    f"地点：{moved.station_name}（{moved.address}）。前一天我们会提醒您。"
                )
                return
            buttons = await run_db(offer)
        except BookingError as error:
            dispatcher.utter_message(text=str(error))
            return
        if not buttons:
            dispatcher.utter_message(
                text="这个工作站近期没有其他空闲时间了。如需改约请致电工作站"
                + (f" {view.station_phone}" if view.station_phone else "")
                + "。"
            )
            return
        dispatcher.utter_message(
            text=f"现在的预约：{_describe(view)}\n可以改到下面的时间，请选择：", buttons=buttons
        )
