from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from domain.messaging import OutboundMessage


class MessageLog(Protocol):
    """Every message to a customer: queued in the transaction that caused it (the outbox of
    messaging), then claimed, sent and settled by a worker. Part of the unit of work.

    `add` is the exactly-once guard: `dedup_key` is unique, so a second add of the same
    message (a re-run job, a duplicate webhook, two schedulers) stores nothing and returns
    False. `claim` is a conditional update: of racing workers one wins the lease.
    """

    async def add(self, message: OutboundMessage) -> bool: ...

    async def get(self, message_id: str) -> OutboundMessage | None: ...

    async def due(self, now: datetime, limit: int) -> Sequence[OutboundMessage]:
        """Queued messages whose time has come, and claimed ones whose lease ran out."""
        ...

    async def claim(self, message_id: str, now: datetime, lease_until: datetime) -> bool: ...

    async def settle(self, message: OutboundMessage) -> None: ...

    async def existing_keys(self, keys: Collection[str]) -> set[str]: ...

    async def for_salon(
        self, salon_id: str, limit: int, booking_id: str | None = None
    ) -> Sequence[OutboundMessage]:
        """Newest first."""
        ...

    async def for_customer(self, customer_id: str) -> Sequence[OutboundMessage]: ...

    async def forget_customer(self, customer_id: str) -> None:
        """Erasure: the texts and details of the customer's messages are blanked (the log
        keeps that a message of some purpose went by some channel)."""
        ...
