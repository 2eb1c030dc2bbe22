"""The append-only audit log."""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)

from ..types import UtcDateTime
from ._schema import id_column, metadata

# PostgreSQL and SQLite: triggers that refuse UPDATE and DELETE on audit rows (migration 0003).
AUDIT_LOG_APPEND_ONLY: Final = "audit_log_append_only"

# Append-only: the code has no UPDATE or DELETE for it, and triggers refuse both.
audit_log = Table(
    "audit_log",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_type", String(16), nullable=False),
    Column("actor_id", Text, nullable=True),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(32), nullable=False),
    id_column("entity_id", nullable=False),
    Column("changes", Text, nullable=False),  # JSON: {field: [before, after]}
    Column("request_id", Text, nullable=True),
    Index(None, "salon_id", "at", "id"),
)
