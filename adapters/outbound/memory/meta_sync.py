"""In-memory MetaSyncRepository over a MemoryState."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from application.ports.meta_sync_repository import (
    MetaSyncRepository,
    MetaSyncState,
    requested,
    synced,
)

from .store import MemoryState


def _free(row: MetaSyncState, now: datetime) -> bool:
    return row.lease_until is None or row.lease_until <= now


class InMemoryMetaSyncRepository(MetaSyncRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def request(self, salon_id: str, now: datetime, debounce: timedelta) -> None:
        current = self._s.meta_sync.get(salon_id)
        self._s.meta_sync[salon_id] = requested(current, salon_id, now, debounce)

    async def due(self, now: datetime, limit: int) -> Sequence[str]:
        rows = [
            r
            for r in self._s.meta_sync.values()
            if r.due_at is not None and r.due_at <= now and _free(r, now)
        ]
        rows.sort(key=lambda r: (r.due_at, r.salon_id))
        return [r.salon_id for r in rows[:limit]]

    async def claim(self, salon_id: str, now: datetime, lease_until: datetime) -> bool:
        row = self._s.meta_sync.get(salon_id)
        if row is None or row.due_at is None or row.due_at > now or not _free(row, now):
            return False
        self._s.meta_sync[salon_id] = replace(row, due_at=lease_until, lease_until=lease_until)
        return True

    async def done(self, salon_id: str, synced_at: datetime, fingerprint: str) -> None:
        row = self._s.meta_sync.get(salon_id)
        if row is None:
            return
        self._s.meta_sync[salon_id] = synced(row, synced_at, fingerprint)

    async def failed(self, salon_id: str, error: str, retry_at: datetime) -> None:
        row = self._s.meta_sync.get(salon_id)
        if row is None:
            return
        self._s.meta_sync[salon_id] = replace(
            row, due_at=retry_at, lease_until=None, error=error, attempts=row.attempts + 1
        )

    async def cancel(self, salon_id: str) -> None:
        row = self._s.meta_sync.get(salon_id)
        if row is None:
            return
        self._s.meta_sync[salon_id] = replace(
            row,
            due_at=None,
            requested_at=None,
            lease_until=None,
            fingerprint=None,
            error=None,
            attempts=0,
        )

    async def get(self, salon_id: str) -> MetaSyncState | None:
        return self._s.meta_sync.get(salon_id)

    async def synced_before(self, salon_ids: Sequence[str], cutoff: datetime) -> Sequence[str]:
        stale: list[str] = []
        for salon_id in dict.fromkeys(salon_ids):
            row = self._s.meta_sync.get(salon_id)
            if row is None or (
                row.due_at is None and (row.synced_at is None or row.synced_at < cutoff)
            ):
                stale.append(salon_id)
        return stale

    async def oldest_request(self) -> datetime | None:
        pending = [r.requested_at for r in self._s.meta_sync.values() if r.requested_at]
        return min(pending, default=None)
