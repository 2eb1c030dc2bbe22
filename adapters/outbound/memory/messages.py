"""In-memory MessageLog over a MemoryState (the transaction's working copy)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime

from application.ports.message_log import MessageLog
from domain.errors import Conflict
from domain.messaging import MessageStatus, OutboundMessage

from .contacts import as_json
from .store import MemoryState


def _workable(message: OutboundMessage, now: datetime) -> bool:
    """Queued and due, or claimed by a worker whose lease (next_attempt_at) has run out."""
    at = message.next_attempt_at
    if message.status is MessageStatus.QUEUED:
        return at is None or at <= now
    return message.status is MessageStatus.SENDING and at is not None and at <= now


def _settled(stored: OutboundMessage, message: OutboundMessage) -> OutboundMessage:
    """`stored` with every mutable field of `message` (identity and origin stay)."""
    return replace(
        stored,
        status=message.status,
        channel=message.channel,
        reason=message.reason,
        body=message.body,
        details=as_json(message.details),
        error=message.error,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at,
        not_after=message.not_after,
        provider_id=message.provider_id,
        sent_at=message.sent_at,
    )


class InMemoryMessageLog(MessageLog):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(self, message: OutboundMessage) -> bool:
        if message.dedup_key in self._s.message_keys:
            return False
        if message.id in self._s.messages:
            raise Conflict("That message id is already stored.")
        self._s.message_keys[message.dedup_key] = message.id
        self._s.messages[message.id] = _settled(message, message)
        return True

    async def get(self, message_id: str) -> OutboundMessage | None:
        return self._s.messages.get(message_id)

    async def due(self, now: datetime, limit: int) -> Sequence[OutboundMessage]:
        due = [m for m in self._s.messages.values() if _workable(m, now)]
        due.sort(key=lambda m: (m.created_at, m.id))
        return due[:limit]

    async def claim(self, message_id: str, now: datetime, lease_until: datetime) -> bool:
        message = self._s.messages.get(message_id)
        if message is None or not _workable(message, now):
            return False
        self._s.messages[message_id] = replace(
            message, status=MessageStatus.SENDING, next_attempt_at=lease_until
        )
        return True

    async def settle(self, message: OutboundMessage) -> None:
        stored = self._s.messages.get(message.id)
        if stored is not None:
            self._s.messages[message.id] = _settled(stored, message)

    async def existing_keys(self, keys: Collection[str]) -> set[str]:
        return {key for key in keys if key in self._s.message_keys}

    async def for_salon(
        self, salon_id: str, limit: int, booking_id: str | None = None
    ) -> Sequence[OutboundMessage]:
        found = [
            m
            for m in self._s.messages.values()
            if m.salon_id == salon_id and (booking_id is None or m.booking_id == booking_id)
        ]
        found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        return found[:limit]

    async def for_customer(self, customer_id: str) -> Sequence[OutboundMessage]:
        found = [m for m in self._s.messages.values() if m.customer_id == customer_id]
        return sorted(found, key=lambda m: (m.created_at, m.id))

    async def forget_customer(self, customer_id: str) -> None:
        for message_id, message in list(self._s.messages.items()):
            if message.customer_id == customer_id:
                self._s.messages[message_id] = replace(message, body=None, details={})
