"""The message log: the outbox of messages to customers, and the record of what went out."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import RowMapping, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from application.ports.message_log import MessageLog
from domain.messaging import Channel, MessageStatus, OutboundMessage, Purpose

from ..errors import guarded_write
from ..tables import messages
from ._sql import dialect_insert

_M = messages.c
_KEYS_PER_QUERY: Final = 500  # well under SQLite's bound-parameter limit


def _details(details: Mapping[str, Any]) -> str:
    return json.dumps(dict(details), separators=(",", ":"))


def _mutable(message: OutboundMessage) -> dict[str, Any]:
    """What `settle` writes: everything but the message's identity and origin."""
    return {
        "status": message.status.value,
        "channel": None if message.channel is None else message.channel.value,
        "reason": message.reason,
        "body": message.body,
        "details": _details(message.details),
        "error": message.error,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "not_after": message.not_after,
        "provider_id": message.provider_id,
        "sent_at": message.sent_at,
    }


def _message(row: RowMapping) -> OutboundMessage:
    return OutboundMessage(
        id=row["id"],
        salon_id=row["salon_id"],
        customer_id=row["customer_id"],
        booking_id=row["booking_id"],
        purpose=Purpose(row["purpose"]),
        dedup_key=row["dedup_key"],
        status=MessageStatus(row["status"]),
        details=json.loads(row["details"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        channel=None if row["channel"] is None else Channel(row["channel"]),
        reason=row["reason"],
        body=row["body"],
        error=row["error"],
        next_attempt_at=row["next_attempt_at"],
        not_after=row["not_after"],
        provider_id=row["provider_id"],
        sent_at=row["sent_at"],
    )


def _workable(now: datetime) -> ColumnElement[bool]:
    """Queued and due, or claimed by a worker whose lease (next_attempt_at) has run out."""
    return or_(
        and_(
            _M.status == MessageStatus.QUEUED.value,
            or_(_M.next_attempt_at.is_(None), _M.next_attempt_at <= now),
        ),
        and_(_M.status == MessageStatus.SENDING.value, _M.next_attempt_at <= now),
    )


class SqlaMessageLog(MessageLog):
    """`add` is INSERT .. ON CONFLICT (dedup_key) DO NOTHING; `claim` a conditional UPDATE."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def _select(
        self, *where: Any, order: Any, limit: int | None = None
    ) -> list[OutboundMessage]:
        query = select(messages).where(*where).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        result = await self._conn.execute(query)
        return [_message(row) for row in result.mappings()]

    async def add(self, message: OutboundMessage) -> bool:
        statement = (
            dialect_insert(self._conn, messages)
            .values(
                id=message.id,
                salon_id=message.salon_id,
                customer_id=message.customer_id,
                booking_id=message.booking_id,
                purpose=message.purpose.value,
                dedup_key=message.dedup_key,
                created_at=message.created_at,
                **_mutable(message),
            )
            .on_conflict_do_nothing(index_elements=[_M.dedup_key])
        )
        async with guarded_write(self._conn):
            result = await self._conn.execute(statement)
        return bool(result.rowcount)

    async def get(self, message_id: str) -> OutboundMessage | None:
        rows = await self._select(_M.id == message_id, order=[_M.id])
        return rows[0] if rows else None

    async def due(self, now: datetime, limit: int) -> Sequence[OutboundMessage]:
        return await self._select(_workable(now), order=[_M.created_at, _M.id], limit=limit)

    async def claim(self, message_id: str, now: datetime, lease_until: datetime) -> bool:
        result = await self._conn.execute(
            update(messages)
            .where(_M.id == message_id, _workable(now))
            .values(status=MessageStatus.SENDING.value, next_attempt_at=lease_until)
        )
        return bool(result.rowcount)

    async def settle(self, message: OutboundMessage) -> None:
        await self._conn.execute(
            update(messages).where(_M.id == message.id).values(_mutable(message))
        )

    async def existing_keys(self, keys: Collection[str]) -> set[str]:
        wanted = sorted(set(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), _KEYS_PER_QUERY):
            chunk = wanted[i : i + _KEYS_PER_QUERY]
            result = await self._conn.execute(select(_M.dedup_key).where(_M.dedup_key.in_(chunk)))
            found.update(result.scalars())
        return found

    async def for_salon(
        self, salon_id: str, limit: int, booking_id: str | None = None
    ) -> Sequence[OutboundMessage]:
        where: list[ColumnElement[bool]] = [_M.salon_id == salon_id]
        if booking_id is not None:
            where.append(_M.booking_id == booking_id)
        return await self._select(*where, order=[_M.created_at.desc(), _M.id.desc()], limit=limit)

    async def for_customer(self, customer_id: str) -> Sequence[OutboundMessage]:
        return await self._select(_M.customer_id == customer_id, order=[_M.created_at, _M.id])

    async def forget_customer(self, customer_id: str) -> None:
        await self._conn.execute(
            update(messages).where(_M.customer_id == customer_id).values(body=None, details="{}")
        )
