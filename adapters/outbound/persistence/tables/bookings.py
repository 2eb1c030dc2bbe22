"""Customers and their bookings (the table that refuses double booking)."""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint

from ..types import UtcDateTime
from ._schema import id_column, metadata

# Statuses that hold a slot; the SQL twin of domain.booking.ACTIVE_STATUSES.
ACTIVE_STATUS_VALUES: Final = ("pending", "confirmed")
BOOKINGS_NO_OVERLAP: Final = "bookings_no_overlap"

customers = Table(
    "customers",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("phone", Text, nullable=True),  # None: known only by a Messenger/Instagram id
    Column("email", Text, nullable=True),
    Column("erased_at", UtcDateTime, nullable=True),  # migration 0006: data-rights erasure
    UniqueConstraint("salon_id", "phone"),
)

bookings = Table(
    "bookings",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    id_column("service_id", ForeignKey("services.id"), nullable=False),
    id_column("staff_id", ForeignKey("staff.id"), nullable=False),
    id_column("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("occupied_until", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("manage_token_hash", Text, nullable=False),
    Column("external_ref", Text, nullable=True),  # migration 0006: a Meta appointment id
    UniqueConstraint("manage_token_hash"),
    UniqueConstraint("salon_id", "external_ref"),
    Index(None, "staff_id", "starts_at"),
    Index(None, "salon_id", "starts_at"),
    Index(None, "salon_id", "created_at"),  # migration 0007: analytics by creation time
    # PostgreSQL only: the store is the final arbiter of "never two bookings at once".
    ExcludeConstraint(
        (literal_column("staff_id"), "="),
        (
            func.tstzrange(
                literal_column("starts_at"),
                literal_column("occupied_until"),
                literal_column("'[)'"),
            ),
            "&&",
        ),
        name=BOOKINGS_NO_OVERLAP,
        using="gist",
        where=text("status IN ('pending', 'confirmed')"),
    ).ddl_if(dialect="postgresql"),
)
