"""Meta sync requests (`meta_sync`, one row per salon): debounced, leased, reconciled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from application.ports.meta_sync_repository import (
    MetaSyncRepository,
    MetaSyncState,
    requested,
    synced,
)

from ..tables import meta_sync
from ._sql import dialect_insert

_S = meta_sync.c


def _state(row: RowMapping) -> MetaSyncState:
    return MetaSyncState(
        salon_id=row["salon_id"],
        due_at=row["due_at"],
        lease_until=row["lease_until"],
        synced_at=row["synced_at"],
        requested_at=row["requested_at"],
        fingerprint=row["fingerprint"],
        error=row["error"],
        attempts=row["attempts"],
    )


def _lease_free(now: datetime) -> ColumnElement[bool]:
    return or_(_S.lease_until.is_(None), _S.lease_until <= now)


class SqlaMetaSyncRepository(MetaSyncRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def _locked(self, salon_id: str) -> MetaSyncState | None:
        """The row, locked until commit on PostgreSQL (SQLite's writer already holds the
        database lock)."""
        query = select(meta_sync).where(_S.salon_id == salon_id)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = (await self._conn.execute(query)).mappings().first()
        return _state(row) if row else None

    async def _write(self, state: MetaSyncState) -> None:
        values = asdict(state)
        del values["salon_id"]
        await self._conn.execute(
            update(meta_sync).where(_S.salon_id == state.salon_id).values(values)
        )

    async def request(self, salon_id: str, now: datetime, debounce: timedelta) -> None:
        first = requested(None, salon_id, now, debounce)
        inserted = await self._conn.execute(
            dialect_insert(self._conn, meta_sync)
            .values(asdict(first))
            .on_conflict_do_nothing(index_elements=[_S.salon_id])
        )
        if inserted.rowcount:
            return
        current = await self._locked(salon_id)
        if current is not None:
            await self._write(requested(current, salon_id, now, debounce))

    async def due(self, now: datetime, limit: int) -> Sequence[str]:
        result = await self._conn.execute(
            select(_S.salon_id)
            .where(_S.due_at <= now, _lease_free(now))
            .order_by(_S.due_at, _S.salon_id)
            .limit(limit)
        )
        return [str(salon_id) for salon_id in result.scalars()]

    async def claim(self, salon_id: str, now: datetime, lease_until: datetime) -> bool:
        result = await self._conn.execute(
            update(meta_sync)
            .where(_S.salon_id == salon_id, _S.due_at <= now, _lease_free(now))
            .values(due_at=lease_until, lease_until=lease_until)
        )
        return bool(result.rowcount)

    async def done(self, salon_id: str, synced_at: datetime, fingerprint: str) -> None:
        row = await self._locked(salon_id)
        if row is None:
            return
        await self._write(synced(row, synced_at, fingerprint))

    async def failed(self, salon_id: str, error: str, retry_at: datetime) -> None:
        await self._conn.execute(
            update(meta_sync)
            .where(_S.salon_id == salon_id)
            .values(due_at=retry_at, lease_until=None, error=error, attempts=_S.attempts + 1)
        )

    async def cancel(self, salon_id: str) -> None:
        await self._conn.execute(
            update(meta_sync)
            .where(_S.salon_id == salon_id)
            .values(
                due_at=None,
                requested_at=None,
                lease_until=None,
                fingerprint=None,
                error=None,
                attempts=0,
            )
        )

    async def get(self, salon_id: str) -> MetaSyncState | None:
        result = await self._conn.execute(select(meta_sync).where(_S.salon_id == salon_id))
        row = result.mappings().first()
        return _state(row) if row else None

    async def synced_before(self, salon_ids: Sequence[str], cutoff: datetime) -> Sequence[str]:
        wanted = list(dict.fromkeys(salon_ids))
        if not wanted:
            return []
        result = await self._conn.execute(
            select(_S.salon_id).where(
                _S.salon_id.in_(wanted),
                or_(
                    _S.due_at.is_not(None),
                    and_(_S.synced_at.is_not(None), _S.synced_at >= cutoff),
                ),
            )
        )
        fresh = {str(salon_id) for salon_id in result.scalars()}
        return [salon_id for salon_id in wanted if salon_id not in fresh]

    async def oldest_request(self) -> datetime | None:
        result = await self._conn.execute(select(func.min(_S.requested_at)))
        oldest: datetime | None = result.scalar()
        return oldest
