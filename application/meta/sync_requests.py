"""Asking for a Meta sync from inside a changing transaction (services, staff, hours, salon)."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports.unit_of_work import UnitOfWork

DEBOUNCE = timedelta(seconds=5)  # changes closer together than this make one sync


async def request_meta_sync(uow: UnitOfWork, salon_id: str, now: datetime) -> None:
    """Owe the salon a (debounced) Meta sync, in `uow`'s transaction: it commits or rolls back
    with the change. Nothing when the salon has never connected Meta."""
    if await uow.meta.get(salon_id) is not None:
        await uow.meta_sync.request(salon_id, now, DEBOUNCE)


async def request_full_meta_sync(uow: UnitOfWork, salon_id: str, now: datetime) -> None:
    """A Page was (re)connected: forget what an earlier connection gave Meta and sync now."""
    await uow.meta_sync.cancel(salon_id)
    await uow.meta_sync.request(salon_id, now, timedelta(0))
