"""The booking actions the Rasa engine calls, against a real PostgreSQL: the buttons they
offer, one booking per confirmed message, and the outage message with the hotlines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from bot.booking import station_registry
from bot.booking.stations_file import read_stations_file
from bot.settings import PROJECT_ROOT, get_settings
from bot.store.db import engine_for, session_scope
from bot.store.migrate import upgrade
from bot.store.models import Appointment
from flows.actions import booking as actions
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.integration


@pytest.fixture
def database(
    pg_url: str, pg_cluster: PostgresCluster, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HOTLINE_ENV", "test")
    get_settings.cache_clear()
    actions.booking_runtime_for_actions.cache_clear()
    upgrade(pg_url)
    with session_scope(engine_for(pg_url)) as session:
        specs = read_stations_file(PROJECT_ROOT / "data" / "stations.demo.yaml").stations
        station_registry.import_stations(session=session, specs=specs)
    try:
        yield pg_url
    finally:
        if not pg_cluster.is_running():
            pg_cluster.start()
        engine_for(pg_url).dispose()
        get_settings.cache_clear()
        actions.booking_runtime_for_actions.cache_clear()


def _tracker(
    slots: dict[str, Any], text: str = "", message_id: str = "m1", **latest: Any
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": latest.get("intent", "inform")},
        "entities": latest.get("entities", []),
        "message_id": message_id,
    }
    events = [
        {
            "event": "user",
            "text": "怀孕了公司要辞退我",
            "parse_data": {"intent": {"name": "three_period_dismissal"}},
        }
    ]
    return Tracker("wechat:o-worker-1", slots, message, events, False, None, {}, "action_listen")


async def _run(action: Any, tracker: Tracker) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher, events


async def _first_free_slot(city: str) -> tuple[str, str]:
    dispatcher, _ = await _run(
        actions.ActionAskBookingStation(),
        _tracker({"booking_city": city, "booking_service": "reception_day"}),
    )
    station = dispatcher.messages[0]["buttons"][0]["payload"].split('"')[3]
    dispatcher, _ = await _run(
        actions.ActionAskBookingSlot(),
        _tracker({"booking_station": station, "booking_service": "reception_day"}),
    )
    return station, dispatcher.messages[0]["buttons"][0]["payload"].split('"')[3]


def _confirmed(station: str, slot: str) -> dict[str, Any]:
    return {
        "booking_service": "reception_day",
        "booking_city": "济南",
        "booking_station": station,
        "booking_slot": slot,
        "booking_consent": True,
        "person_name": "王芳",
        "phone": "13812345678",
        "booking_confirmed": True,
    }


async def test_the_nearest_station_and_its_free_times_are_offered_as_buttons(database: str) -> None:
    dispatcher, _ = await _run(
        actions.ActionAskBookingStation(),
        _tracker({"booking_city": "我在淄博上班", "booking_service": "legal_aid"}),
    )
    message = dispatcher.messages[0]
    assert "淄博市" in message["text"] and len(message["buttons"]) == 1
    _, slot = await _first_free_slot("济南")
    assert slot.isdigit()


async def test_a_confirmed_booking_is_written_once_even_if_the_message_comes_twice(
    database: str,
) -> None:
    station, slot = await _first_free_slot("济南")
    tracker = _tracker(_confirmed(station, slot), text="1", message_id="wx-msg-77", intent="affirm")
    first, _ = await _run(actions.ActionBookAppointment(), tracker)
    again, _ = await _run(actions.ActionBookAppointment(), tracker)
    code = first.messages[0]["custom"]["appointment_code"]
    assert "预约成功" in first.messages[0]["custom"]["text"]
    assert again.messages[0]["custom"]["appointment_code"] == code
    with session_scope(engine_for(database)) as session:
        rows = session.scalars(select(Appointment)).all()
        assert len(rows) == 1
        assert rows[0].channel == "wechat" and rows[0].channel_user_id == "o-worker-1"
        assert rows[0].question_class == "three_period_dismissal"
        assert rows[0].summary == "怀孕了公司要辞退我"


async def test_a_database_outage_tells_the_worker_whom_to_call_and_writes_nothing(
    database: str, pg_cluster: PostgresCluster
) -> None:
    station, slot = await _first_free_slot("济南")
    pg_cluster.stop()
    try:
        dispatcher, events = await _run(
            actions.ActionBookAppointment(),
            _tracker(_confirmed(station, slot), text="1", intent="affirm"),
        )
    finally:
        pg_cluster.start()
    text = dispatcher.messages[0]["text"]
    assert "没有保存" in text and all(n in text for n in ("12333", "12338", "12351", "12348"))
    assert {"event": "slot", "name": "booking_confirmed", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    engine_for(database).dispose()
    with session_scope(engine_for(database)) as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 0


async def test_a_typed_phone_number_is_checked_and_a_bad_one_explained(database: str) -> None:
    form = actions.ValidateBookingForm()
    dispatcher = CollectingDispatcher()
    tracker = _tracker({"requested_slot": "phone"}, text="139 1234 5678", intent="goodbye")
    extracted = await form.extract_phone(dispatcher, tracker, {})
    assert extracted == {"phone": "139 1234 5678"}  # an NLU "goodbye" on a number is ignored
    assert form.validate_phone(extracted["phone"], dispatcher, tracker, {}) == {
        "phone": "13912345678"
    }
    assert form.validate_phone("12345", dispatcher, tracker, {}) == {"phone": None}
    assert "11位手机号" in dispatcher.messages[-1]["text"]
    stop = _tracker({"requested_slot": "phone"}, text="算了不约了", intent="deny")
    assert await form.extract_phone(dispatcher, stop, {}) == {}
