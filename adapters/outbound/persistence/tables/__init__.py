"""The schema as SQLAlchemy Core tables (the migrations write the same DDL out by hand).

Ids are UUID strings. Instants are `UtcDateTime` (aware UTC on both backends). Lists that must
come back "in creation order" carry a per-salon `position`, ties broken by id.

One module per bounded context; importing this package registers every table on `metadata`.
"""

from __future__ import annotations

from ._schema import NAMING_CONVENTION, metadata
from .accounts import auth_tokens, locations, owners, salons
from .analytics import funnel_counts
from .audit import AUDIT_LOG_APPEND_ONLY, audit_log
from .bookings import ACTIVE_STATUS_VALUES, BOOKINGS_NO_OVERLAP, bookings, customers
from .catalog import services, staff, staff_services, time_off, weekly_hours
from .idempotency import idempotency_keys
from .messaging import customer_consents, customer_contacts, messages
from .meta import (
    meta_cleanups,
    meta_data_deletions,
    meta_integrations,
    meta_oauth_states,
    meta_sync,
    owner_alerts,
)
from .otp import otp_challenges, otp_deliveries, otp_grants, otp_outbox
from .webhooks import webhook_deliveries, webhook_events

__all__ = [
    "ACTIVE_STATUS_VALUES",
    "AUDIT_LOG_APPEND_ONLY",
    "BOOKINGS_NO_OVERLAP",
    "NAMING_CONVENTION",
    "audit_log",
    "auth_tokens",
    "bookings",
    "customer_consents",
    "customer_contacts",
    "customers",
    "funnel_counts",
    "idempotency_keys",
    "locations",
    "messages",
    "meta_cleanups",
    "meta_data_deletions",
    "meta_integrations",
    "meta_oauth_states",
    "meta_sync",
    "metadata",
    "otp_challenges",
    "otp_deliveries",
    "otp_grants",
    "otp_outbox",
    "owner_alerts",
    "owners",
    "salons",
    "services",
    "staff",
    "staff_services",
    "time_off",
    "webhook_deliveries",
    "webhook_events",
    "weekly_hours",
]
