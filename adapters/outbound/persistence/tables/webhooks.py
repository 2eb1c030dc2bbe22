"""Meta webhook deliveries and the events parsed from them (migration 0005)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..types import UtcDateTime
from ._schema import id_column, metadata

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    id_column(primary_key=True),
    Column("received_at", UtcDateTime, nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("headers", Text, nullable=False),  # JSON
    Column("event_count", Integer, nullable=False),
    UniqueConstraint("body_sha256"),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    id_column(primary_key=True),
    id_column(
        "delivery_id", ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False
    ),
    Column("received_at", UtcDateTime, nullable=False),
    Column("dedup_key", Text, nullable=False),
    Column("object", String(64), nullable=False),
    Column("kind", String(80), nullable=False),
    Column("entry_id", Text, nullable=True),
    Column("sender_id", Text, nullable=True),
    Column("recipient_id", Text, nullable=True),
    Column("conversation", Text, nullable=False),
    Column("timestamp_ms", BigInteger, nullable=True),
    Column("payload", Text, nullable=False),  # JSON
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("processed_at", UtcDateTime, nullable=True),
    id_column("salon_id", nullable=True),
    UniqueConstraint("dedup_key"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "salon_id", "status"),
    Index(None, "delivery_id"),
)
