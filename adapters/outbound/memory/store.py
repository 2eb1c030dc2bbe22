"""The state the in-memory adapters share: plain dicts, copied on transaction start."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import date

from application.ports.idempotency_repository import IdempotencyRecord
from application.ports.meta_login_state_repository import OAuthState
from application.ports.meta_sync_repository import MetaSyncState
from application.ports.owner_alert_repository import OwnerAlert
from application.ports.webhook_inbox import StoredDelivery, StoredEvent
from domain.accounts import Owner
from domain.audit import AuditEntry
from domain.booking import Booking, Customer
from domain.catalog import Service, Staff
from domain.messaging import Consent, Contact, OutboundMessage
from domain.meta import DataDeletionRequest, MetaCleanup, MetaIntegration
from domain.otp import OtpChallenge, OtpDelivery, OtpGrant
from domain.salon import Location, Salon
from domain.schedule import TimeOff, WeeklyInterval


@dataclass
class MemoryState:
    salons: dict[str, Salon] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    weekly: dict[str, list[WeeklyInterval]] = field(default_factory=dict)
    time_off: dict[str, TimeOff] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    bookings: dict[str, Booking] = field(default_factory=dict)
    owners: dict[str, Owner] = field(default_factory=dict)
    tokens: dict[str, tuple[str, bool]] = field(default_factory=dict)  # hash -> (owner, revoked)
    challenges: dict[tuple[str, str], OtpChallenge] = field(default_factory=dict)
    grants: dict[str, OtpGrant] = field(default_factory=dict)
    otp_deliveries: dict[str, OtpDelivery] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], IdempotencyRecord] = field(default_factory=dict)
    audit: dict[str, AuditEntry] = field(default_factory=dict)  # insertion order
    meta_integrations: dict[str, MetaIntegration] = field(default_factory=dict)
    meta_cleanups: dict[str, MetaCleanup] = field(default_factory=dict)
    meta_states: dict[str, tuple[OAuthState, bool]] = field(default_factory=dict)  # used?
    meta_deletions: dict[str, DataDeletionRequest] = field(default_factory=dict)
    owner_alerts: dict[str, OwnerAlert] = field(default_factory=dict)  # by dedup key
    webhook_deliveries: dict[str, StoredDelivery] = field(default_factory=dict)
    webhook_events: dict[str, StoredEvent] = field(default_factory=dict)
    webhook_event_keys: dict[str, str] = field(default_factory=dict)  # dedup key -> event id
    contacts: dict[str, Contact] = field(default_factory=dict)
    consents: dict[str, list[Consent]] = field(default_factory=dict)  # by customer, as added
    messages: dict[str, OutboundMessage] = field(default_factory=dict)
    message_keys: dict[str, str] = field(default_factory=dict)  # dedup key -> message id
    meta_sync: dict[str, MetaSyncState] = field(default_factory=dict)  # by salon
    # (salon id, local day, source, step) -> count: the analytics funnel counters
    funnel: dict[tuple[str, date, str, str], int] = field(default_factory=dict)

    def snapshot(self) -> MemoryState:
        return copy.copy(self).deep_dicts()

    def deep_dicts(self) -> MemoryState:
        # Entities are frozen, so copying each dict (and the weekly lists) isolates a transaction.
        for name, value in vars(self).items():
            setattr(
                self, name, {k: (list(v) if isinstance(v, list) else v) for k, v in value.items()}
            )
        return self


class MemoryStore:
    """One in-process database: committed state plus a write lock (the `BEGIN IMMEDIATE`)."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.write_lock = asyncio.Lock()
