"""Funnel counts for analytics."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    PrimaryKeyConstraint,
    String,
    Table,
)

from ._schema import id_column, metadata

funnel_counts = Table(
    "funnel_counts",
    metadata,
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("day", Date, nullable=False),  # salon-local
    Column("source", String(16), nullable=False),  # instagram | facebook | messenger | story | web
    Column("step", String(16), nullable=False),  # view | slot_view
    Column("count", BigInteger, nullable=False),
    PrimaryKeyConstraint("salon_id", "day", "source", "step"),
)
