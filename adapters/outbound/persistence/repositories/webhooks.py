"""The webhook inbox: deliveries (once per body) and events (once per dedup key)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.webhook_inbox import StoredDelivery, StoredEvent, WebhookInbox
from domain.webhook_kinds import stored_kind
from domain.webhooks import InboundEvent

from ..tables import webhook_deliveries, webhook_events
from ._sql import dialect_insert

_E = webhook_events.c
_WORKABLE = ("pending", "processing")
_INSERT_CHUNK = 500


def _event(row: RowMapping) -> StoredEvent:
    return StoredEvent(
        id=row["id"],
        delivery_id=row["delivery_id"],
        received_at=row["received_at"],
        event=InboundEvent(
            dedup_key=row["dedup_key"],
            object=row["object"],
            kind=stored_kind(row["kind"], row["object"]),
            entry_id=row["entry_id"],
            sender_id=row["sender_id"],
            recipient_id=row["recipient_id"],
            timestamp_ms=row["timestamp_ms"],
            payload=json.loads(row["payload"]),
        ),
        status=row["status"],
        reason=row["reason"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        processed_at=row["processed_at"],
        salon_id=row["salon_id"],
    )


class SqlaWebhookInbox(WebhookInbox):
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add_delivery(self, delivery: StoredDelivery) -> bool:
        statement = (
            dialect_insert(self._conn, webhook_deliveries)
            .values(
                id=delivery.id,
                received_at=delivery.received_at,
                body=delivery.body,
                body_sha256=delivery.body_sha256,
                headers=json.dumps(dict(delivery.headers)),
                event_count=delivery.event_count,
            )
            .on_conflict_do_nothing(index_elements=[webhook_deliveries.c.body_sha256])
        )
        return bool((await self._conn.execute(statement)).rowcount)

    async def add_event(self, event: StoredEvent) -> bool:
        return await self.add_events([event]) == 1

    async def add_events(self, events: Sequence[StoredEvent]) -> int:
        stored = 0
        # asyncpg takes at most 32,767 parameters a statement (18 per event): chunks of 500.
        for start in range(0, len(events), _INSERT_CHUNK):
            statement = (
                dialect_insert(self._conn, webhook_events)
                .values([_event_values(e) for e in events[start : start + _INSERT_CHUNK]])
                .on_conflict_do_nothing(index_elements=[_E.dedup_key])
            )
            stored += int((await self._conn.execute(statement)).rowcount)
        return stored

    async def get_event(self, event_id: str) -> StoredEvent | None:
        result = await self._conn.execute(select(webhook_events).where(_E.id == event_id))
        row = result.mappings().first()
        return _event(row) if row else None

    async def due(self, now: datetime, limit: int) -> Sequence[StoredEvent]:
        query = select(webhook_events).where(_E.status.in_(_WORKABLE), _E.next_attempt_at <= now)
        result = await self._conn.execute(
            query.order_by(_E.timestamp_ms.asc().nulls_last(), _E.received_at, _E.id).limit(limit)
        )
        return [_event(row) for row in result.mappings()]

    async def held(self, now: datetime) -> Mapping[str, int]:
        result = await self._conn.execute(
            select(_E.conversation, func.min(func.coalesce(_E.timestamp_ms, 0)))
            .where(_E.status.in_(_WORKABLE), _E.next_attempt_at > now)
            .group_by(_E.conversation)
        )
        return {str(conv): int(ts) for conv, ts in result.all()}

    async def claim_many(
        self, event_ids: Sequence[str], now: datetime, lease_until: datetime
    ) -> set[str]:
        if not event_ids:
            return set()
        result = await self._conn.execute(
            update(webhook_events)
            .where(_E.id.in_(list(event_ids)), _E.status.in_(_WORKABLE), _E.next_attempt_at <= now)
            .values(status="processing", next_attempt_at=lease_until)
            .returning(_E.id)
        )
        return {str(row[0]) for row in result.all()}

    async def claim(self, event_id: str, now: datetime, lease_until: datetime) -> bool:
        result = await self._conn.execute(
            update(webhook_events)
            .where(_E.id == event_id, _E.status.in_(_WORKABLE), _E.next_attempt_at <= now)
            .values(status="processing", next_attempt_at=lease_until)
        )
        return bool(result.rowcount)

    async def settle(self, event: StoredEvent) -> None:
        await self._conn.execute(
            update(webhook_events)
            .where(_E.id == event.id)
            .values(
                status=event.status,
                reason=event.reason,
                attempts=event.attempts,
                next_attempt_at=event.next_attempt_at,
                processed_at=event.processed_at,
                salon_id=event.salon_id,
            )
        )

    async def failed(self, salon_id: str, limit: int) -> Sequence[StoredEvent]:
        result = await self._conn.execute(
            select(webhook_events)
            .where(_E.salon_id == salon_id, _E.status == "failed")
            .order_by(_E.received_at.desc(), _E.id)
            .limit(limit)
        )
        return [_event(row) for row in result.mappings()]

    async def purge_before(self, cutoff: datetime) -> int:
        old = select(webhook_deliveries.c.id).where(webhook_deliveries.c.received_at < cutoff)
        await self._conn.execute(delete(webhook_events).where(_E.delivery_id.in_(old)))
        result = await self._conn.execute(
            delete(webhook_deliveries).where(webhook_deliveries.c.received_at < cutoff)
        )
        return int(result.rowcount or 0)


def _event_values(event: StoredEvent) -> dict[str, Any]:
    e = event.event
    return {
        "id": event.id,
        "delivery_id": event.delivery_id,
        "received_at": event.received_at,
        "dedup_key": e.dedup_key,
        "object": e.object,
        "kind": e.label,
        "entry_id": e.entry_id,
        "sender_id": e.sender_id,
        "recipient_id": e.recipient_id,
        "conversation": e.conversation,
        "timestamp_ms": e.timestamp_ms,
        "payload": json.dumps(dict(e.payload), separators=(",", ":")),
        "status": event.status,
        "reason": event.reason,
        "attempts": event.attempts,
        "next_attempt_at": event.next_attempt_at,
        "processed_at": event.processed_at,
        "salon_id": event.salon_id,
    }
