"""PostgreSQL: the exclusion constraint that forbids overlapping active bookings of one staff.

SQLite has no such constraint; there the booking repository re-checks inside the
`BEGIN IMMEDIATE` write transaction, so this revision does nothing on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-01
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap "
        "EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, occupied_until, '[)') WITH &&) "
        "WHERE (status IN ('pending', 'confirmed'))"
    )


def downgrade() -> None:
    if not _is_postgresql():
        return
    # btree_gist stays: other objects may use it, and the upgrade tolerates it being there.
    op.execute("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap")
