"""The schema as SQLAlchemy Core tables (the migrations write the same DDL out by hand).

Ids are UUID strings. Instants are `UtcDateTime` (aware UTC on both backends). Lists that must
come back "in creation order" carry a per-salon `position`, ties broken by id.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint

from .types import UtcDateTime, WallClockTime

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Statuses that hold a slot; the SQL twin of domain.booking.ACTIVE_STATUSES.
ACTIVE_STATUS_VALUES: Final = ("pending", "confirmed")
BOOKINGS_NO_OVERLAP: Final = "bookings_no_overlap"
# PostgreSQL and SQLite: triggers that refuse UPDATE and DELETE on audit rows (migration 0003).
AUDIT_LOG_APPEND_ONLY: Final = "audit_log_append_only"

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _id(name: str = "id", *args: Any, **kwargs: Any) -> Column[str]:
    return Column(name, String(36), *args, **kwargs)


owners = Table(
    "owners",
    metadata,
    _id(primary_key=True),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("email"),
)

auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    _id("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

salons = Table(
    "salons",
    metadata,
    _id(primary_key=True),
    _id("owner_id", ForeignKey("owners.id"), nullable=False, index=True),
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
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=True),
    Column("timezone", Text, nullable=True),
    Index(None, "salon_id", "position"),
)

services = Table(
    "services",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("buffer_after_minutes", Integer, nullable=False, server_default="0"),
    Column("description", Text, nullable=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("category", Text, nullable=True),
    Index(None, "salon_id", "position"),
)

staff = Table(
    "staff",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    _id("location_id", ForeignKey("locations.id"), nullable=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Index(None, "salon_id", "position"),
)

staff_services = Table(
    "staff_services",
    metadata,
    _id("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    _id("service_id", ForeignKey("services.id"), nullable=False, index=True),
    PrimaryKeyConstraint("staff_id", "position"),
)

weekly_hours = Table(
    "weekly_hours",
    metadata,
    _id("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("start", WallClockTime, nullable=False),
    Column("end", WallClockTime, nullable=False),
    PrimaryKeyConstraint("staff_id", "position"),
)

time_off = Table(
    "time_off",
    metadata,
    _id(primary_key=True),
    _id("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=True),
    Index(None, "staff_id", "starts_at"),
)

customers = Table(
    "customers",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("phone", Text, nullable=True),  # None: known only by a Messenger/Instagram id
    Column("email", Text, nullable=True),
    Column("erased_at", UtcDateTime, nullable=True),  # migration 0006: data-rights erasure
    UniqueConstraint("salon_id", "phone"),
)

bookings = Table(
    "bookings",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    _id("service_id", ForeignKey("services.id"), nullable=False),
    _id("staff_id", ForeignKey("staff.id"), nullable=False),
    _id("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
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

otp_challenges = Table(
    "otp_challenges",
    metadata,
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("phone", Text, nullable=False),
    Column("code_hash", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("salon_id", "phone"),
)

otp_grants = Table(
    "otp_grants",
    metadata,
    Column("token_hash", Text, primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("phone", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    _id("booking_id", nullable=False),
    Column("manage_token", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("scope", "key"),
)

otp_outbox = Table(
    "otp_outbox",
    metadata,
    _id(primary_key=True),
    _id("salon_id", nullable=False),
    Column("phone", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "salon_id", "created_at"),
)

# Append-only: the code has no UPDATE or DELETE for it, and triggers refuse both.
audit_log = Table(
    "audit_log",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_type", String(16), nullable=False),
    Column("actor_id", Text, nullable=True),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(32), nullable=False),
    _id("entity_id", nullable=False),
    Column("changes", Text, nullable=False),  # JSON: {field: [before, after]}
    Column("request_id", Text, nullable=True),
    Index(None, "salon_id", "at", "id"),
)

# --- Meta (migration 0004) ---

meta_integrations = Table(
    "meta_integrations",
    metadata,
    _id("salon_id", ForeignKey("salons.id"), primary_key=True),
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
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False, index=True),
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
    _id("salon_id", nullable=False),
    _id("owner_id", nullable=False),
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
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("dedup_key", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("dedup_key"),
    Index(None, "salon_id", "created_at"),
)

# --- Meta webhooks (migration 0005) ---

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    _id(primary_key=True),
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
    _id(primary_key=True),
    _id("delivery_id", ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
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
    _id("salon_id", nullable=True),
    UniqueConstraint("dedup_key"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "salon_id", "status"),
    Index(None, "delivery_id"),
)

# --- Messaging (migration 0006) ---

customer_contacts = Table(
    "customer_contacts",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    _id("customer_id", ForeignKey("customers.id"), nullable=True),
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
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    _id("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("channel", String(16), nullable=False),  # messenger | instagram | sms | whatsapp
    Column("granted", Boolean, nullable=False),
    Column("source", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "customer_id", "channel", "at"),
)

messages = Table(
    "messages",
    metadata,
    _id(primary_key=True),
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    _id("customer_id", nullable=True),
    _id("booking_id", nullable=True),
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

meta_sync = Table(
    "meta_sync",
    metadata,
    _id("salon_id", ForeignKey("salons.id"), primary_key=True),
    Column("due_at", UtcDateTime, nullable=True),  # a sync is owed from then (debounced)
    Column("lease_until", UtcDateTime, nullable=True),
    Column("synced_at", UtcDateTime, nullable=True),
    Column("requested_at", UtcDateTime, nullable=True),  # oldest change not yet synced
    Column("fingerprint", Text, nullable=True),  # of what Meta was last given
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Index(None, "due_at"),
)

funnel_counts = Table(
    "funnel_counts",
    metadata,
    _id("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("day", Date, nullable=False),  # salon-local
    Column("source", String(16), nullable=False),  # instagram | facebook | messenger | story | web
    Column("step", String(16), nullable=False),  # view | slot_view
    Column("count", BigInteger, nullable=False),
    PrimaryKeyConstraint("salon_id", "day", "source", "step"),
)
