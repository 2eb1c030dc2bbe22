"""Meta: integrations (one per salon, sealed tokens), cleanups owed to Meta, login states,
data-deletion requests and owner alerts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def _id(name: str = "id", *, nullable: bool) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), nullable=nullable)


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    # timestamptz on PostgreSQL; fixed-width UTC ISO text on SQLite (ordered as text).
    kind = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
    return sa.Column(name, kind, nullable=nullable)


def _text(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "meta_integrations",
        _id("salon_id", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        _text("meta_user_id"),
        _text("user_token_sealed"),
        _instant("user_token_expires_at", nullable=True),
        _text("page_id"),
        _text("page_name"),
        _text("instagram_id"),
        _text("instagram_username"),
        _text("page_token_sealed"),
        sa.Column("candidate_pages", sa.Text(), nullable=False, server_default="[]"),
        _text("button_facebook"),
        _text("button_instagram"),
        _text("button_messenger"),
        sa.Column("token_valid", sa.Boolean(), nullable=True),
        _instant("token_expires_at", nullable=True),
        _instant("data_access_expires_at", nullable=True),
        _instant("token_checked_at", nullable=True),
        _instant("last_sync_at", nullable=True),
        _text("sync_error"),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        _instant("created_at"),
        _instant("updated_at"),
        sa.PrimaryKeyConstraint("salon_id", name="pk_meta_integrations"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_meta_integrations_salon_id_salons"
        ),
        sa.UniqueConstraint("page_id", name="uq_meta_integrations_page_id"),
    )
    op.create_index("ix_meta_integrations_meta_user_id", "meta_integrations", ["meta_user_id"])
    op.create_table(
        "meta_cleanups",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        _text("page_id"),
        _text("page_token_sealed"),
        _text("user_token_sealed"),
        _text("external_business_id"),
        sa.Column("revoke", sa.Boolean(), nullable=False),
        _text("meta_user_id"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at"),
        _text("last_error"),
        _instant("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_meta_cleanups"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_meta_cleanups_salon_id_salons"
        ),
    )
    op.create_index("ix_meta_cleanups_salon_id", "meta_cleanups", ["salon_id"])
    op.create_index("ix_meta_cleanups_next_attempt_at", "meta_cleanups", ["next_attempt_at"])
    op.create_index("ix_meta_cleanups_meta_user_id", "meta_cleanups", ["meta_user_id"])
    op.create_table(
        "meta_oauth_states",
        sa.Column("nonce", sa.Text(), nullable=False),
        _id("salon_id", nullable=False),
        _id("owner_id", nullable=False),
        _instant("expires_at"),
        _instant("used_at", nullable=True),
        sa.PrimaryKeyConstraint("nonce", name="pk_meta_oauth_states"),
    )
    op.create_index("ix_meta_oauth_states_expires_at", "meta_oauth_states", ["expires_at"])
    op.create_table(
        "meta_data_deletions",
        sa.Column("confirmation_code", sa.Text(), nullable=False),
        sa.Column("meta_user_hash", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("salons_affected", sa.Integer(), nullable=False),
        _instant("requested_at"),
        _instant("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("confirmation_code", name="pk_meta_data_deletions"),
    )
    op.create_table(
        "owner_alerts",
        _id(nullable=False),
        _id("salon_id", nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("dedup_key", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_owner_alerts"),
        sa.ForeignKeyConstraint(
            ["salon_id"], ["salons.id"], name="fk_owner_alerts_salon_id_salons"
        ),
        sa.UniqueConstraint("dedup_key", name="uq_owner_alerts_dedup_key"),
    )
    op.create_index(
        "ix_owner_alerts_salon_id_created_at", "owner_alerts", ["salon_id", "created_at"]
    )


def downgrade() -> None:
    for table in (
        "owner_alerts",
        "meta_data_deletions",
        "meta_oauth_states",
        "meta_cleanups",
        "meta_integrations",
    ):
        op.drop_table(table)  # indexes go with their tables
