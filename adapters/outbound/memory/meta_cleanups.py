"""The in-memory MetaCleanupRepository over a MemoryState."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from application.ports.meta_cleanup_repository import MetaCleanupRepository
from domain.errors import Conflict
from domain.meta import MetaCleanup

from .store import MemoryState


class InMemoryMetaCleanupRepository(MetaCleanupRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_cleanup(self, cleanup: MetaCleanup) -> None:
        if cleanup.id in self._s.meta_cleanups:
            raise Conflict("That Meta cleanup is already stored.")
        self._s.meta_cleanups[cleanup.id] = cleanup

    async def update_cleanup(self, cleanup: MetaCleanup) -> None:
        if cleanup.id in self._s.meta_cleanups:
            self._s.meta_cleanups[cleanup.id] = cleanup

    async def delete_cleanup(self, cleanup_id: str) -> None:
        self._s.meta_cleanups.pop(cleanup_id, None)

    async def get_cleanup(self, cleanup_id: str) -> MetaCleanup | None:
        return self._s.meta_cleanups.get(cleanup_id)

    async def due_cleanups(self, now: datetime, limit: int) -> Sequence[MetaCleanup]:
        due = [c for c in self._s.meta_cleanups.values() if c.next_attempt_at <= now]
        due.sort(key=lambda c: (c.next_attempt_at, c.id))
        return due[:limit]

    async def cleanups(self, after: str | None, limit: int) -> Sequence[MetaCleanup]:
        rows = sorted(
            (c for c in self._s.meta_cleanups.values() if after is None or c.id > after),
            key=lambda c: c.id,
        )
        return rows[:limit]

    async def cleanups_for_salon(self, salon_id: str) -> Sequence[MetaCleanup]:
        rows = [c for c in self._s.meta_cleanups.values() if c.salon_id == salon_id]
        rows.sort(key=lambda c: (c.created_at, c.id))
        return rows

    async def cleanups_for_meta_user(self, meta_user_id: str) -> Sequence[MetaCleanup]:
        rows = [c for c in self._s.meta_cleanups.values() if c.meta_user_id == meta_user_id]
        rows.sort(key=lambda c: (c.created_at, c.id))
        return rows
