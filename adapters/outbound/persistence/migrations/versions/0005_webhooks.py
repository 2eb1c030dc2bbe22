"""Meta webhooks: the inbox of deliveries (raw body, kept headers) and their events, each
stored once per dedup key, with its processing outcome.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    # timestamptz on PostgreSQL; fixed-width UTC ISO text on SQLite (ordered as text).
    kind = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        _instant("received_at"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("body_sha256", name="uq_webhook_deliveries_body_sha256"),
    )
    op.create_index("ix_webhook_deliveries_received_at", "webhook_deliveries", ["received_at"])
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("delivery_id", sa.String(36), nullable=False),
        _instant("received_at"),
        sa.Column("dedup_key", sa.Text(), nullable=False),
        sa.Column("object", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=True),
        sa.Column("sender_id", sa.Text(), nullable=True),
        sa.Column("recipient_id", sa.Text(), nullable=True),
        sa.Column("conversation", sa.Text(), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at", nullable=True),
        _instant("processed_at", nullable=True),
        sa.Column("salon_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_events"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name="fk_webhook_events_delivery_id_webhook_deliveries",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("dedup_key", name="uq_webhook_events_dedup_key"),
    )
    op.create_index(
        "ix_webhook_events_status_next_attempt_at", "webhook_events", ["status", "next_attempt_at"]
    )
    op.create_index("ix_webhook_events_salon_id_status", "webhook_events", ["salon_id", "status"])
    op.create_index("ix_webhook_events_delivery_id", "webhook_events", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("webhook_events")
    op.drop_table("webhook_deliveries")
