from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.webhooks import InboundEvent


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    id: str
    received_at: datetime
    body: str  # the raw body (UTF-8 JSON, as received)
    body_sha256: str
    headers: Mapping[str, str]  # the few worth keeping (content type, signature, user agent)
    event_count: int


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: str
    delivery_id: str
    received_at: datetime
    event: InboundEvent
    status: str  # pending | processing | processed | ignored | failed
    reason: str | None  # why ignored / what failed
    attempts: int
    next_attempt_at: datetime | None  # None once settled (processed, ignored, failed for good)
    processed_at: datetime | None
    salon_id: str | None


class WebhookInbox(Protocol):
    """Meta deliveries and their events, stored before any processing.

    - `add_delivery` stores a delivery once per body hash: False (nothing stored) when the same
      body was stored before (Meta retrying a delivery).
    - `add_event` stores an event once per `dedup_key`: False when the key exists.
    - `due` answers events to work on: pending ones whose `next_attempt_at` has come, and
      `processing` ones whose lease (`next_attempt_at`) ran out (their worker died); oldest
      timestamp first (events without one by arrival), at most `limit`.
    - `claim` takes an event for one worker until `lease_until`: True for exactly one of racing
      claimers, and only while the event is due (pending, or processing with an expired lease).
    - `settle` records an event's outcome (`status`, `reason`, attempts, next attempt).
    """

    async def add_delivery(self, delivery: StoredDelivery) -> bool: ...

    async def add_event(self, event: StoredEvent) -> bool: ...

    async def add_events(self, events: Sequence[StoredEvent]) -> int:
        """Several events in one statement; those whose dedup key is stored (or repeated
        within `events`) are skipped. Returns how many were stored."""
        ...

    async def get_event(self, event_id: str) -> StoredEvent | None: ...

    async def due(self, now: datetime, limit: int) -> Sequence[StoredEvent]: ...

    async def held(self, now: datetime) -> Mapping[str, int]:
        """Per conversation, the earliest timestamp (ms; 0 when unknown) of its events that
        are unsettled but not workable now (waiting for a retry, or leased to a worker): its
        later events must wait for them."""
        ...

    async def claim(self, event_id: str, now: datetime, lease_until: datetime) -> bool: ...

    async def claim_many(
        self, event_ids: Sequence[str], now: datetime, lease_until: datetime
    ) -> set[str]:
        """`claim` for several events in one statement; returns the ids this call won."""
        ...

    async def settle(self, event: StoredEvent) -> None: ...

    async def failed(self, salon_id: str, limit: int) -> Sequence[StoredEvent]: ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete deliveries (and their events) received before `cutoff`; how many went."""
        ...
