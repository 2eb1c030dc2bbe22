"""The booking page's look: an Elite salon's brand colour and logo, and service categories
(the widget groups services by them). Nullable columns: existing rows need nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN of a nullable column needs no table rebuild on SQLite.
    op.add_column("salons", sa.Column("brand_color", sa.Text(), nullable=True))
    op.add_column("salons", sa.Column("logo_url", sa.Text(), nullable=True))
    op.add_column("services", sa.Column("category", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.drop_column("category")
    with op.batch_alter_table("salons") as batch:
        batch.drop_column("logo_url")
        batch.drop_column("brand_color")
