"""Idempotency keys of HTTP writes."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from ..types import UtcDateTime
from ._schema import id_column, metadata

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    id_column("booking_id", nullable=False),
    Column("manage_token", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("scope", "key"),
)
