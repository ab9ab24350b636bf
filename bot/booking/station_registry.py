"""Stations: importing them, listing them, and finding the nearest to a worker.

Why apart from service.py: stations change by import, a few times a year; bookings change
every minute. Keeping them apart keeps each module about one thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.booking.stations_file import StationSpec
from bot.store.models import (
    ScheduleException,
    Service,
    Station,
    StationSchedule,
)
from knowledge.errors import KnowledgeError
from knowledge.regions import Place, find_place

__all__ = [
    "ImportSummary",
    "NearestStations",
    "get_station",
    "import_stations",
    "list_stations",
    "nearest_stations",
]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    codes: list[str]


def import_stations(*, session: Session, specs: Sequence[StationSpec]) -> ImportSummary:
    """Create or update stations by ``code``; their schedules and exceptions are replaced."""
    created = updated = 0
    for spec in specs:
        station = session.scalar(
            select(Station)
            .where(Station.code == spec.code)
            .options(selectinload(Station.schedules), selectinload(Station.exceptions))
        )
        if station is None:
            station = Station(code=spec.code)
            session.add(station)
            created += 1
        else:
            updated += 1
        station.name = spec.name
        station.province = spec.province
        station.city = spec.city
        station.district = spec.district
        station.address = spec.address
        station.phone = spec.phone
        station.opening_notes = spec.opening_notes
        station.services = list(spec.services)
        station.is_demo = spec.is_demo
        station.schedules = [
            StationSchedule(
                service=Service(rule.service),
                weekday=rule.weekday,
                start_time=rule.start,
                end_time=rule.end,
                slot_minutes=rule.slot_minutes,
                seats=rule.seats,
                buffer_minutes=rule.buffer_minutes,
            )
            for rule in spec.schedule
        ]
        station.exceptions = [
            ScheduleException(
                day=item.date,
                service=Service(item.service) if item.service else None,
                closed=item.closed,
                start_time=item.start,
                end_time=item.end,
                seats=item.seats,
                note=item.note,
            )
            for item in spec.exceptions
        ]
    session.flush()
    return ImportSummary(created, updated, [s.code for s in specs])


def list_stations(*, session: Session) -> list[Station]:
    """Every station, by city then name."""
    return list(session.scalars(select(Station).order_by(Station.city, Station.name)))


def get_station(*, session: Session, station_id: int) -> Station | None:
    """One station by id."""
    return session.get(Station, station_id)


@dataclass(frozen=True)
class NearestStations:
    """Stations near the worker and how near: ``city``, ``province`` or ``anywhere``."""

    stations: list[Station]
    matched: str
    place: str | None


def _offers(station: Station, service: str | None) -> bool:
    return service is None or service in (station.services or [])


def _find_place_in(text: str) -> Place | None:
    """The first place named anywhere in ``text`` (我在淄博上班 → 淄博市)."""
    text = text.strip()[:60]
    for start in range(len(text)):
        try:
            return find_place(text[start:])
        except KnowledgeError:
            continue
    return None


def nearest_stations(
    *, session: Session, place_text: str | None, service: str | None, limit: int = 5
) -> NearestStations:
    """Stations offering ``service`` in the worker's city, else her province, else all.

    ``place_text`` is what she wrote (济南, 山东济南, 淄博市张店区); names resolve through the
    knowledge base's region list, so 济南 and 济南市 find the same stations.
    """
    stations = [s for s in list_stations(session=session) if _offers(s, service)]
    place = _find_place_in(place_text or "")
    if place is not None:
        if place.city:
            in_city = [s for s in stations if s.city == place.city]
            if in_city:
                return NearestStations(in_city[:limit], "city", place.city)
        in_province = [s for s in stations if s.province == place.province]
        if in_province:
            return NearestStations(in_province[:limit], "province", place.province)
    named = (place.city or place.province) if place else None
    return NearestStations(stations[:limit], "anywhere", named)
