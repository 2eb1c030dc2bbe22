"""Customer contacts, consents and the message log (migration 0006)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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

customer_contacts = Table(
    "customer_contacts",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    id_column("customer_id", ForeignKey("customers.id"), nullable=True),
    Column("platform", String(16), nullable=False),  # messenger | instagram
    Column("page_id", Text, nullable=False),  # the Page (or Instagram account) it is scoped to
    Column("scoped_id", Text, nullable=False),  # PSID / IGSID
    Column("last_inbound_at", UtcDateTime, nullable=True),  # opens the 24-hour window
    Column("created_at", UtcDateTime, nullable=False),
    Column("assistant_state", Text, nullable=True),  # JSON
    Column("assistant_expires_at", UtcDateTime, nullable=True),
    UniqueConstraint("salon_id", "platform", "scoped_id"),
    Index(None, "customer_id"),
)

customer_consents = Table(
    "customer_consents",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    id_column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("channel", String(16), nullable=False),  # messenger | instagram | sms | whatsapp
    Column("granted", Boolean, nullable=False),
    Column("source", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "customer_id", "channel", "at"),
)

messages = Table(
    "messages",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    id_column("customer_id", nullable=True),
    id_column("booking_id", nullable=True),
    Column("purpose", String(32), nullable=False),
    Column("dedup_key", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("channel", String(16), nullable=True),
    Column("reason", Text, nullable=True),
    Column("body", Text, nullable=True),
    Column("details", Text, nullable=False),  # JSON: what the message is about
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("not_after", UtcDateTime, nullable=True),  # useless from then on: dropped
    Column("provider_id", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("dedup_key"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "salon_id", "created_at"),
    Index(None, "booking_id"),
)
