"""Tables of the booking store: stations, appointment slots and appointments.

The same models (and the same Alembic migration) run on SQLite (embedded default) and
PostgreSQL (production). Seats are counted on the slot row (``booked_count``) so that a
booking is one conditional UPDATE — atomic on both databases, never oversold.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Appointment",
    "AppointmentSlot",
    "AppointmentStatus",
    "Base",
    "Service",
    "Station",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    slots: Mapped[list[AppointmentSlot]] = relationship(back_populates="station")


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
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    served_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    slot: Mapped[AppointmentSlot] = relationship()
    station: Mapped[Station] = relationship()
