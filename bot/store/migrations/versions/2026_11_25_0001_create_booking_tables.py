"""Create stations, appointment slots and appointments.

Why: the booking store of the foundation — stations receive workers, slots count their
seats on the row so a booking is one conditional UPDATE, appointments keep the phone
number encrypted with a lookup hash and the last four digits for masked lists.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SERVICE = sa.Enum("reception_day", "legal_aid", name="service", native_enum=False, length=32)
STATUS = sa.Enum(
    "booked",
    "checked_in",
    "served",
    "no_show",
    "cancelled",
    name="appointmentstatus",
    native_enum=False,
    length=32,
)


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("province", sa.String(32), nullable=False),
        sa.Column("city", sa.String(64), nullable=False),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("opening_notes", sa.Text(), nullable=True),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    op.create_index(op.f("ix_stations_city"), "stations", ["city"])

    op.create_table(
        "appointment_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("service", SERVICE, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint(
            "booked_count >= 0 AND booked_count <= capacity",
            name=op.f("ck_appointment_slots_seats"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_appointment_slots_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_slots")),
        sa.UniqueConstraint(
            "station_id", "service", "starts_at", name=op.f("uq_appointment_slots_station_id")
        ),
    )
    op.create_index(op.f("ix_appointment_slots_starts_at"), "appointment_slots", ["starts_at"])

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("service", SERVICE, nullable=False),
        sa.Column("person_name", sa.String(64), nullable=False),
        sa.Column("phone_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("phone_lookup_hash", sa.String(64), nullable=False),
        sa.Column("phone_last4", sa.String(4), nullable=False),
        sa.Column("question_class", sa.String(64), nullable=True),
        sa.Column("summary", sa.String(500), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("channel_user_id", sa.String(128), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=True),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["appointment_slots.id"],
            name=op.f("fk_appointments_slot_id_appointment_slots"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_appointments_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("code", name=op.f("uq_appointments_code")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_appointments_idempotency_key")),
    )
    op.create_index(op.f("ix_appointments_station_id"), "appointments", ["station_id"])
    op.create_index(
        op.f("ix_appointments_phone_lookup_hash"), "appointments", ["phone_lookup_hash"]
    )
    op.create_index(op.f("ix_appointments_status"), "appointments", ["status"])
    op.create_index(
        "uq_appointments_active_per_user",
        "appointments",
        ["slot_id", "channel", "channel_user_id"],
        unique=True,
        sqlite_where=sa.text("status != 'cancelled'"),
        postgresql_where=sa.text("status != 'cancelled'"),
    )


def downgrade() -> None:
    op.drop_table("appointments")
    op.drop_table("appointment_slots")
    op.drop_index(op.f("ix_stations_city"), table_name="stations")
    op.drop_table("stations")
