"""The Meta integration (migration 0004) and its sync state."""

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

meta_integrations = Table(
    "meta_integrations",
    metadata,
    id_column("salon_id", ForeignKey("salons.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("mode", String(8), nullable=False),
    Column("meta_user_id", Text, nullable=True, index=True),
    Column("user_token_sealed", Text, nullable=True),
    Column("user_token_expires_at", UtcDateTime, nullable=True),
    Column("page_id", Text, nullable=True),
    Column("page_name", Text, nullable=True),
    Column("instagram_id", Text, nullable=True),
    Column("instagram_username", Text, nullable=True),
    Column("page_token_sealed", Text, nullable=True),
    Column("candidate_pages", Text, nullable=False, server_default="[]"),  # JSON
    Column("button_facebook", Text, nullable=True),
    Column("button_instagram", Text, nullable=True),
    Column("button_messenger", Text, nullable=True),
    Column("token_valid", Boolean, nullable=True),
    Column("token_expires_at", UtcDateTime, nullable=True),
    Column("data_access_expires_at", UtcDateTime, nullable=True),
    Column("token_checked_at", UtcDateTime, nullable=True),
    Column("last_sync_at", UtcDateTime, nullable=True),
    Column("sync_error", Text, nullable=True),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("page_id"),
)

meta_cleanups = Table(
    "meta_cleanups",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False, index=True),
    Column("page_id", Text, nullable=True),
    Column("page_token_sealed", Text, nullable=True),
    Column("user_token_sealed", Text, nullable=True),
    Column("external_business_id", Text, nullable=True),
    Column("revoke", Boolean, nullable=False),
    Column("meta_user_id", Text, nullable=True, index=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False, index=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

meta_oauth_states = Table(
    "meta_oauth_states",
    metadata,
    Column("nonce", Text, primary_key=True),
    id_column("salon_id", nullable=False),
    id_column("owner_id", nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("used_at", UtcDateTime, nullable=True),
)

meta_data_deletions = Table(
    "meta_data_deletions",
    metadata,
    Column("confirmation_code", Text, primary_key=True),
    Column("meta_user_hash", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("salons_affected", Integer, nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime, nullable=True),
)

owner_alerts = Table(
    "owner_alerts",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("dedup_key", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("dedup_key"),
    Index(None, "salon_id", "created_at"),
)

meta_sync = Table(
    "meta_sync",
    metadata,
    id_column("salon_id", ForeignKey("salons.id"), primary_key=True),
    Column("due_at", UtcDateTime, nullable=True),  # a sync is owed from then (debounced)
    Column("lease_until", UtcDateTime, nullable=True),
    Column("synced_at", UtcDateTime, nullable=True),
    Column("requested_at", UtcDateTime, nullable=True),  # oldest change not yet synced
    Column("fingerprint", Text, nullable=True),  # of what Meta was last given
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Index(None, "due_at"),
)
