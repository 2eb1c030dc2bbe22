"""Analytics: the booking widget's funnel counters (per salon, salon-local day, source and
step; counts only, no personal data) and an index for bookings by creation time.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None


def _id(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(36), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "funnel_counts",
        _id("salon_id"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("salon_id", "day", "source", "step", name="pk_funnel_counts"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_funnel_counts_salon_id_salons"
        ),
    )
    # A plain CREATE INDEX on both backends: SQLite needs no table rebuild (batch mode) for it.
    op.create_index("ix_bookings_salon_id_created_at", "bookings", ["salon_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_bookings_salon_id_created_at", table_name="bookings")
    op.drop_table("funnel_counts")
