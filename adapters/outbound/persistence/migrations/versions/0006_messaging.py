"""Messaging: customers known only by a Messenger/Instagram id (phone may be empty), erasure,
Meta-native appointments on bookings, page-scoped contacts (window, assistant state), consent
history, the message log (also the queue of messages to send) and the Meta sync state.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    # timestamptz on PostgreSQL; fixed-width UTC ISO text on SQLite (ordered as text).
    kind = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
    return sa.Column(name, kind, nullable=nullable)


def _id(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(36), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.alter_column("phone", existing_type=sa.Text(), nullable=True)
        batch.add_column(_instant("erased_at", nullable=True))
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("external_ref", sa.Text(), nullable=True))
        batch.create_unique_constraint(
            "uq_bookings_salon_id_external_ref", ["salon_id", "external_ref"]
        )
    op.create_table(
        "customer_contacts",
        _id("id"),
        _id("salon_id"),
        _id("customer_id", nullable=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("page_id", sa.Text(), nullable=False),
        sa.Column("scoped_id", sa.Text(), nullable=False),
        _instant("last_inbound_at", nullable=True),
        _instant("created_at"),
        sa.Column("assistant_state", sa.Text(), nullable=True),
        _instant("assistant_expires_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customer_contacts"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_customer_contacts_salon_id_salons"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_customer_contacts_customer_id_customers"
        ),
        sa.UniqueConstraint(
            "salon_id",
            "platform",
            "scoped_id",
            name="uq_customer_contacts_salon_id_platform_scoped_id",
        ),
    )
    op.create_index("ix_customer_contacts_customer_id", "customer_contacts", ["customer_id"])
    op.create_table(
        "customer_consents",
        _id("id"),
        _id("salon_id"),
        _id("customer_id"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        _instant("at"),
        sa.PrimaryKeyConstraint("id", name="pk_customer_consents"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_customer_consents_salon_id_salons"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_customer_consents_customer_id_customers"
        ),
    )
    op.create_index(
        "ix_customer_consents_customer_id_channel_at",
        "customer_consents",
        ["customer_id", "channel", "at"],
    )
    op.create_table(
        "messages",
        _id("id"),
        _id("salon_id"),
        _id("customer_id", nullable=True),
        _id("booking_id", nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("dedup_key", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at", nullable=True),
        _instant("not_after", nullable=True),
        sa.Column("provider_id", sa.Text(), nullable=True),
        _instant("created_at"),
        _instant("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_messages_salon_id_salons"),
        sa.UniqueConstraint("dedup_key", name="uq_messages_dedup_key"),
    )
    op.create_index("ix_messages_status_next_attempt_at", "messages", ["status", "next_attempt_at"])
    op.create_index("ix_messages_salon_id_created_at", "messages", ["salon_id", "created_at"])
    op.create_index("ix_messages_booking_id", "messages", ["booking_id"])
    op.create_table(
        "meta_sync",
        _id("salon_id"),
        _instant("due_at", nullable=True),
        _instant("lease_until", nullable=True),
        _instant("synced_at", nullable=True),
        _instant("requested_at", nullable=True),
        sa.Column("fingerprint", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("salon_id", name="pk_meta_sync"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_meta_sync_salon_id_salons"),
    )
    op.create_index("ix_meta_sync_due_at", "meta_sync", ["due_at"])


def downgrade() -> None:
    op.drop_table("meta_sync")
    op.drop_table("messages")
    op.drop_table("customer_consents")
    op.drop_table("customer_contacts")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint("uq_bookings_salon_id_external_ref", type_="unique")
        batch.drop_column("external_ref")
    # Customers known only by a Messenger id get a placeholder the old schema accepts.
    op.execute("UPDATE customers SET phone = 'unknown:' || id WHERE phone IS NULL")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("erased_at")
        batch.alter_column("phone", existing_type=sa.Text(), nullable=False)
