"""Core schema: owners, salons, catalog, schedules, customers, bookings, OTP, idempotency.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def _id(name: str = "id", *, nullable: bool) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), nullable=nullable)


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    # timestamptz on PostgreSQL; fixed-width UTC ISO text on SQLite (ordered as text).
    kind = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
    return sa.Column(name, kind, nullable=nullable)


def _true() -> sa.TextClause:
    return sa.text("true")


def upgrade() -> None:
    op.create_table(
        "owners",
        _id(nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_owners"),
        sa.UniqueConstraint("email", name="uq_owners_email"),
    )
    op.create_table(
        "auth_tokens",
        sa.Column("token_hash", sa.Text(), nullable=False),
        _id("owner_id", nullable=False),
        _instant("created_at"),
        _instant("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_auth_tokens"),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["owners.id"], name="fk_auth_tokens_owner_id_owners", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_auth_tokens_owner_id", "auth_tokens", ["owner_id"])
    op.create_table(
        "salons",
        _id(nullable=False),
        _id("owner_id", nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(16), server_default="free", nullable=False),
        sa.Column("lead_time_minutes", sa.Integer(), server_default="120", nullable=False),
        sa.Column("horizon_days", sa.Integer(), server_default="60", nullable=False),
        sa.Column("slot_step_minutes", sa.Integer(), server_default="15", nullable=False),
        sa.Column("cancellation_window_hours", sa.Integer(), server_default="24", nullable=False),
        sa.Column("auto_confirm", sa.Boolean(), server_default=_true(), nullable=False),
        sa.Column("verify_new_customers", sa.Boolean(), server_default=_true(), nullable=False),
        _instant("created_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_salons"),
        sa.UniqueConstraint("slug", name="uq_salons_slug"),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"], name="fk_salons_owner_id_owners"),
    )
    op.create_index("ix_salons_owner_id", "salons", ["owner_id"])
    op.create_table(
        "locations",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_locations"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_locations_salon_id_salons"),
    )
    op.create_index("ix_locations_salon_id_position", "locations", ["salon_id", "position"])
    op.create_table(
        "services",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("buffer_after_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=_true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_services"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_services_salon_id_salons"),
    )
    op.create_index("ix_services_salon_id_position", "services", ["salon_id", "position"])
    op.create_table(
        "staff",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _id("location_id", nullable=True),
        sa.Column("active", sa.Boolean(), server_default=_true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_staff_salon_id_salons"),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_staff_location_id_locations"
        ),
    )
    op.create_index("ix_staff_salon_id_position", "staff", ["salon_id", "position"])
    op.create_table(
        "staff_services",
        _id("staff_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _id("service_id", nullable=False),
        sa.PrimaryKeyConstraint("staff_id", "position", name="pk_staff_services"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_staff_services_staff_id_staff", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name="fk_staff_services_service_id_services"
        ),
    )
    op.create_index("ix_staff_services_service_id", "staff_services", ["service_id"])
    op.create_table(
        "weekly_hours",
        _id("staff_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(15), nullable=False),
        sa.Column("end", sa.String(15), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", "position", name="pk_weekly_hours"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_weekly_hours_staff_id_staff", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "time_off",
        _id(nullable=False),
        _id("staff_id", nullable=False),
        _instant("starts_at"),
        _instant("ends_at"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_time_off"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_time_off_staff_id_staff", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_time_off_staff_id_starts_at", "time_off", ["staff_id", "starts_at"])
    op.create_table(
        "customers",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("salon_id", "phone", name="uq_customers_salon_id_phone"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_customers_salon_id_salons"),
    )
    op.create_table(
        "bookings",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        _id("service_id", nullable=False),
        _id("staff_id", nullable=False),
        _id("customer_id", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        _instant("starts_at"),
        _instant("ends_at"),
        _instant("occupied_until"),
        _instant("created_at"),
        sa.Column("manage_token_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint("manage_token_hash", name="uq_bookings_manage_token_hash"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_bookings_salon_id_salons"),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name="fk_bookings_service_id_services"
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_bookings_staff_id_staff"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_bookings_customer_id_customers"
        ),
    )
    op.create_index("ix_bookings_staff_id_starts_at", "bookings", ["staff_id", "starts_at"])
    op.create_index("ix_bookings_salon_id_starts_at", "bookings", ["salon_id", "starts_at"])
    op.create_index("ix_bookings_customer_id", "bookings", ["customer_id"])
    op.create_table(
        "otp_challenges",
        _id("salon_id", nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("code_hash", sa.Text(), nullable=False),
        _instant("expires_at"),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        _instant("locked_until", nullable=True),
        sa.PrimaryKeyConstraint("salon_id", "phone", name="pk_otp_challenges"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_otp_challenges_salon_id_salons"
        ),
    )
    op.create_table(
        "otp_grants",
        sa.Column("token_hash", sa.Text(), nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        _instant("expires_at"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_otp_grants"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_otp_grants_salon_id_salons"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        _id("booking_id", nullable=False),
        sa.Column("manage_token", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_table(
        "otp_outbox",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_otp_outbox"),
    )
    op.create_index("ix_otp_outbox_salon_id_created_at", "otp_outbox", ["salon_id", "created_at"])


def downgrade() -> None:
    for table in (
        "otp_outbox",
        "idempotency_keys",
        "otp_grants",
        "otp_challenges",
        "bookings",
        "customers",
        "time_off",
        "weekly_hours",
        "staff_services",
        "staff",
        "services",
        "locations",
        "salons",
        "auth_tokens",
        "owners",
    ):
        op.drop_table(table)  # indexes go with their table
