"""In-memory WebhookInbox over a MemoryState."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from application.ports.webhook_inbox import StoredDelivery, StoredEvent, WebhookInbox

from .store import MemoryState


def _workable(event: StoredEvent, now: datetime) -> bool:
    return (
        event.status in ("pending", "processing")
        and event.next_attempt_at is not None
        and event.next_attempt_at <= now
    )


class InMemoryWebhookInbox(WebhookInbox):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_delivery(self, delivery: StoredDelivery) -> bool:
        if any(d.body_sha256 == delivery.body_sha256 for d in self._s.webhook_deliveries.values()):
            return False
        self._s.webhook_deliveries[delivery.id] = delivery
        return True

    async def add_event(self, event: StoredEvent) -> bool:
        if event.event.dedup_key in self._s.webhook_event_keys:
            return False
        self._s.webhook_event_keys[event.event.dedup_key] = event.id
        self._s.webhook_events[event.id] = event
        return True

    async def add_events(self, events: Sequence[StoredEvent]) -> int:
        return sum([await self.add_event(event) for event in events])

    async def get_event(self, event_id: str) -> StoredEvent | None:
        return self._s.webhook_events.get(event_id)

    async def due(self, now: datetime, limit: int) -> Sequence[StoredEvent]:
        due = [e for e in self._s.webhook_events.values() if _workable(e, now)]
        due.sort(
            key=lambda e: (
                e.event.timestamp_ms is None,
                e.event.timestamp_ms or 0,
                e.received_at,
                e.id,
            )
        )
        return due[:limit]

    async def held(self, now: datetime) -> Mapping[str, int]:
        held: dict[str, int] = {}
        for e in self._s.webhook_events.values():
            if e.status in ("pending", "processing") and (
                e.next_attempt_at is not None and e.next_attempt_at > now
            ):
                conv, ts = e.event.conversation, e.event.timestamp_ms or 0
                held[conv] = min(held.get(conv, ts), ts)
        return held

    async def claim_many(
        self, event_ids: Sequence[str], now: datetime, lease_until: datetime
    ) -> set[str]:
        return {i for i in event_ids if await self.claim(i, now, lease_until)}

    async def claim(self, event_id: str, now: datetime, lease_until: datetime) -> bool:
        event = self._s.webhook_events.get(event_id)
        if event is None or not _workable(event, now):
            return False
        self._s.webhook_events[event_id] = replace(
            event, status="processing", next_attempt_at=lease_until
        )
        return True

    async def settle(self, event: StoredEvent) -> None:
        if event.id in self._s.webhook_events:
            self._s.webhook_events[event.id] = event

    async def failed(self, salon_id: str, limit: int) -> Sequence[StoredEvent]:
        rows = [
            e
            for e in self._s.webhook_events.values()
            if e.salon_id == salon_id and e.status == "failed"
        ]
        rows.sort(key=lambda e: (-e.received_at.timestamp(), e.id))
        return rows[:limit]

    async def purge_before(self, cutoff: datetime) -> int:
        old = {d.id for d in self._s.webhook_deliveries.values() if d.received_at < cutoff}
        for event_id, event in list(self._s.webhook_events.items()):
            if event.delivery_id in old:
                del self._s.webhook_events[event_id]
                self._s.webhook_event_keys.pop(event.event.dedup_key, None)
        for delivery_id in old:
            del self._s.webhook_deliveries[delivery_id]
        return len(old)
