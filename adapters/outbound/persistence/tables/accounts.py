"""Owners, their login tokens, salons and their locations."""

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
    text,
)

from ..types import UtcDateTime
from ._schema import id_column, metadata

owners = Table(
    "owners",
    metadata,
    id_column(primary_key=True),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("email"),
)

auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    id_column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

salons = Table(
    "salons",
    metadata,
    id_column(primary_key=True),
    id_column("owner_id", ForeignKey("owners.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("country", Text, nullable=False),
    Column("tier", String(16), nullable=False, server_default="free"),
    Column("lead_time_minutes", Integer, nullable=False, server_default="120"),
    Column("horizon_days", Integer, nullable=False, server_default="60"),
    Column("slot_step_minutes", Integer, nullable=False, server_default="15"),
    Column("cancellation_window_hours", Integer, nullable=False, server_default="24"),
    Column("auto_confirm", Boolean, nullable=False, server_default=text("true")),
    Column("verify_new_customers", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UtcDateTime, nullable=True),
    Column("brand_color", Text, nullable=True),
    Column("logo_url", Text, nullable=True),
    UniqueConstraint("slug"),
)

locations = Table(
    "locations",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=True),
    Column("timezone", Text, nullable=True),
    Index(None, "salon_id", "position"),
)
