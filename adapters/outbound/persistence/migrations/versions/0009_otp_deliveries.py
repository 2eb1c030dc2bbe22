"""The OTP outbox: a code to text is written in the transaction that makes its challenge and
sent by a worker after commit, like every other side effect. A new table; nothing existing
changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None


def _instant(name: str) -> sa.Column[object]:
    # timestamptz on PostgreSQL; fixed-width UTC ISO text on SQLite (ordered as text).
    kind = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
    return sa.Column(name, kind, nullable=False)


def upgrade() -> None:
    op.create_table(
        "otp_deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("salon_id", sa.String(36), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        _instant("due_at"),
        _instant("expires_at"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_otp_deliveries"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_otp_deliveries_salon_id_salons"
        ),
    )
    op.create_index("ix_otp_deliveries_due_at", "otp_deliveries", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_otp_deliveries_due_at", table_name="otp_deliveries")
    op.drop_table("otp_deliveries")
