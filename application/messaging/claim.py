"""Claiming due messages: which are owed now, and the lease that makes one worker send each.

A claim is a conditional update (MessageLog.claim): of racing workers one wins; a dead
worker's claim runs out after the lease and the message is due again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.messaging import OutboundMessage

LEASE = timedelta(minutes=2)


async def due_ids(uow: UnitOfWorkFactory, now: datetime, limit: int) -> list[str]:
    async with uow() as tx:
        return [m.id for m in await tx.messages.due(now, limit)]


async def claim(
    uow: UnitOfWorkFactory, message_id: str, now: datetime, lease: timedelta
) -> OutboundMessage | None:
    """The message, leased to this worker until `now + lease`; None when another worker has
    it, it is already settled, or it was erased meanwhile (a data deletion)."""
    async with uow(write=True) as tx:
        claimed = await tx.messages.claim(message_id, now, now + lease)
        await tx.commit()
    if not claimed:
        return None
    async with uow() as tx:
        return await tx.messages.get(message_id)
