"""Read a stations file (YAML or CSV) into validated station specifications.

YAML holds everything (stations, weekly schedules, dated exceptions). CSV is for staff
who keep a spreadsheet: one row per schedule rule, station columns repeated, rows with
the same ``code`` merged. Weekdays are written 1–7 (周一 = 1) or 周一…周日 / 星期一….
"""

from __future__ import annotations

import csv
import io
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.booking.errors import StationDataError

__all__ = ["ExceptionSpec", "RuleSpec", "StationSpec", "StationsFile", "read_stations_file"]

SERVICES = ("reception_day", "legal_aid")
_WEEKDAY_NAMES = {
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
}


def _weekday(value: Any) -> int:
    if isinstance(value, str) and value.strip() in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[value.strip()]
    number = int(value)
    if not 1 <= number <= 7:
        raise ValueError("weekday must be 1 (Monday) … 7 (Sunday) or 周一…周日")
    return number - 1


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(_Spec):
    service: str
    weekday: int = Field(description="0 = Monday after parsing; the file says 1–7 or 周一")
    start: time
    end: time
    slot_minutes: int = Field(gt=0, le=480)
    seats: int = Field(gt=0, le=100)
    buffer_minutes: int = Field(default=0, ge=0, le=240)

    @field_validator("weekday", mode="before")
    @classmethod
    def _parse_weekday(cls, value: Any) -> int:
        return _weekday(value)

    @field_validator("service")
    @classmethod
    def _known_service(cls, value: str) -> str:
        if value not in SERVICES:
            raise ValueError(f"service must be one of {', '.join(SERVICES)}")
        return value


class ExceptionSpec(_Spec):
    date: date
    service: str | None = None
    closed: bool = True
    start: time | None = None
    end: time | None = None
    seats: int | None = Field(default=None, gt=0)
    note: str | None = Field(default=None, max_length=200)


class StationSpec(_Spec):
    code: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=2, max_length=200)
    province: str = Field(min_length=2, max_length=32)
    city: str = Field(min_length=2, max_length=64)
    district: str | None = Field(default=None, max_length=64)
    address: str = Field(min_length=2, max_length=300)
    phone: str | None = Field(default=None, max_length=64)
    opening_notes: str | None = None
    services: list[str] = Field(min_length=1)
    schedule: list[RuleSpec] = Field(default_factory=list)
    exceptions: list[ExceptionSpec] = Field(default_factory=list)
    is_demo: bool = False

    @field_validator("services")
    @classmethod
    def _known_services(cls, value: list[str]) -> list[str]:
        unknown = [s for s in value if s not in SERVICES]
        if unknown:
            raise ValueError(f"unknown services {unknown}; use {', '.join(SERVICES)}")
        return value


class StationsFile(_Spec):
    demo: bool = Field(default=False, description="every station in the file is demo data")
    stations: list[StationSpec] = Field(min_length=1)


def _from_csv(text: str) -> dict[str, Any]:
    stations: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        code = row.get("code", "")
        if not code:
            raise StationDataError(f"第{line}行缺少 code（工作站编号）")
        station = stations.setdefault(
            code,
            {
                "code": code,
                "name": row.get("name"),
                "province": row.get("province"),
                "city": row.get("city"),
                "district": row.get("district") or None,
                "address": row.get("address"),
                "phone": row.get("phone") or None,
                "opening_notes": row.get("opening_notes") or None,
                "services": [s for s in row.get("services", "").replace("；", ";").split(";") if s],
                "is_demo": row.get("is_demo", "").lower() in {"1", "true", "yes", "是"},
                "schedule": [],
            },
        )
        if row.get("service"):
            station["schedule"].append(
                {
                    "service": row["service"],
                    "weekday": row.get("weekday"),
                    "start": row.get("start"),
                    "end": row.get("end"),
                    "slot_minutes": row.get("slot_minutes"),
                    "seats": row.get("seats"),
                    "buffer_minutes": row.get("buffer_minutes") or 0,
                }
            )
    return {"stations": list(stations.values())}


def read_stations_file(path: Path) -> StationsFile:
    """Parse and validate ``path`` (``.yaml``/``.yml`` or ``.csv``).

    Raises ``StationDataError`` with the file name and what is wrong.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise StationDataError(f"读不到文件 {path}：{error.strerror}") from error
    try:
        if path.suffix.lower() == ".csv":
            raw = _from_csv(text)
        elif path.suffix.lower() in {".yaml", ".yml"}:
            raw = yaml.safe_load(text)
        else:
            raise StationDataError(f"{path.name}：只支持 .yaml/.yml 或 .csv 文件")
        parsed = StationsFile.model_validate(raw)
    except (ValidationError, yaml.YAMLError, ValueError) as error:
        raise StationDataError(f"{path.name} 的内容有误：{error}") from error
    if parsed.demo:
        parsed = parsed.model_copy(
            update={"stations": [s.model_copy(update={"is_demo": True}) for s in parsed.stations]}
        )
    codes = [s.code for s in parsed.stations]
    if len(codes) != len(set(codes)):
        raise StationDataError(f"{path.name}：工作站编号 code 有重复")
    return parsed
