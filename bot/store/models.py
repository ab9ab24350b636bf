"""Tables of the store: stations and their schedules, slots, appointments, staff accounts
and the audit log.

The same models (and the same Alembic migrations) run on SQLite (embedded default) and
PostgreSQL (production). Seats are counted on the slot row (``booked_count``) so that a
booking is one conditional UPDATE — atomic on both databases, never oversold.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Appointment",
    "AppointmentSlot",
    "AppointmentStatus",
    "AuditEvent",
    "Base",
    "ScheduleException",
    "Service",
    "Station",
    "StationSchedule",
    "UTCDateTime",
    "User",
    "UserRole",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC on every database.

    Why: SQLite keeps no time zone, so an aware value would be stored as its wall-clock
    time and compared wrongly; storing UTC everywhere and reading it back as aware UTC
    makes range queries and comparisons correct on SQLite and PostgreSQL alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Service(enum.StrEnum):
    """What a worker books: a 维权接待日 visit or a 法律援助 consultation."""

    reception_day = "reception_day"
    legal_aid = "legal_aid"


class AppointmentStatus(enum.StrEnum):
    booked = "booked"
    checked_in = "checked_in"
    served = "served"
    no_show = "no_show"
    cancelled = "cancelled"


class Station(Base):
    """A 女职工劳动人事争议维权工作站 (or legal-aid office) that receives workers."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(64), index=True)
    district: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(64))
    opening_notes: Mapped[str | None] = mapped_column(Text)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    slots: Mapped[list[AppointmentSlot]] = relationship(back_populates="station")
    schedules: Mapped[list[StationSchedule]] = relationship(
        back_populates="station", cascade="all, delete-orphan"
    )
    exceptions: Mapped[list[ScheduleException]] = relationship(
        back_populates="station", cascade="all, delete-orphan"
    )


class StationSchedule(Base):
    """One weekly rule: on ``weekday`` (0 = Monday) ``service`` runs from start to end."""

    __tablename__ = "station_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[Service] = mapped_column(Enum(Service, native_enum=False, length=32))
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    station: Mapped[Station] = relationship(back_populates="schedules")


class ScheduleException(Base):
    """A dated change to the week: the day closed, or other hours (for one or all services)."""

    __tablename__ = "schedule_exceptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    service: Mapped[Service | None] = mapped_column(Enum(Service, native_enum=False, length=32))
    closed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    seats: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))

    station: Mapped[Station] = relationship(back_populates="exceptions")


class AppointmentSlot(Base):
    """One bookable time at one station for one service, with a number of seats."""

    __tablename__ = "appointment_slots"
    __table_args__ = (
        UniqueConstraint("station_id", "service", "starts_at"),
        CheckConstraint("booked_count >= 0 AND booked_count <= capacity", name="seats"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    service: Mapped[Service] = mapped_column(Enum(Service, native_enum=False, length=32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    station: Mapped[Station] = relationship(back_populates="slots")


class Appointment(Base):
    """A worker's booking. The phone number is stored encrypted, never in clear."""

    __tablename__ = "appointments"
    __table_args__ = (
        # The same worker cannot hold two live bookings of one slot (a retry books once).
        Index(
            "uq_appointments_active_per_user",
            "slot_id",
            "channel",
            "channel_user_id",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slots.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    service: Mapped[Service] = mapped_column(Enum(Service, native_enum=False, length=32))
    person_name: Mapped[str] = mapped_column(String(64))
    phone_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    phone_lookup_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_last4: Mapped[str] = mapped_column(String(4))
    question_class: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(String(500))
    channel: Mapped[str] = mapped_column(String(32))
    channel_user_id: Mapped[str] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[AppointmentStatus] = mapped_column(
        Enum(AppointmentStatus, native_enum=False, length=32),
        default=AppointmentStatus.booked,
        index=True,
    )
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[AppointmentSlot] = relationship()
    station: Mapped[Station] = relationship()


class UserRole(enum.StrEnum):
    """admin sees every station; staff one station; operator works the hotline console."""

    admin = "admin"
    staff = "staff"
    operator = "operator"


class User(Base):
    """A person who logs in: station staff, hotline operator or administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role != 'staff' OR station_id IS NOT NULL", name="staff_has_station"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(Enum(UserRole, native_enum=False, length=16))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    station: Mapped[Station | None] = relationship()


class AuditEvent(Base):
    """Who did what to which appointment, and when (e.g. viewed a full phone number)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    detail: Mapped[str | None] = mapped_column(String(500))
