"""The audit log: an append-only table, guarded by triggers on both backends.

PostgreSQL: one statement-level trigger refuses UPDATE, DELETE and TRUNCATE on `audit_log`
(it does not fire under `session_replication_role = replica`, which only a superuser can set).
SQLite: BEFORE UPDATE / BEFORE DELETE triggers abort the statement.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

_TRIGGER = "audit_log_append_only"  # = tables.AUDIT_LOG_APPEND_ONLY (migrations stay frozen)
_PG_FUNCTION = "audit_log_refuse_change"
_MESSAGE = "audit_log is append-only"


def _instant(name: str) -> sa.Column[object]:
    # timestamptz on PostgreSQL; fixed-width UTC ISO text on SQLite (ordered as text).
    kind = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
    return sa.Column(name, kind, nullable=False)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("salon_id", sa.String(36), nullable=False),
        _instant("at"),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Text(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(["salon_id"], ["salons.id"], name="fk_audit_log_salon_id_salons"),
    )
    op.create_index("ix_audit_log_salon_id_at_id", "audit_log", ["salon_id", "at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_MESSAGE} (% refused)', TG_OP; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {_TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
        )
    else:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {_TRIGGER}_{event} BEFORE {event.upper()} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON audit_log")
        op.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER}_{event}")
    op.drop_table("audit_log")  # its index goes with it
