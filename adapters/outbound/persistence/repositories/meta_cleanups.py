"""Cleanups owed to Meta, one row each until done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.meta_cleanup_repository import MetaCleanupRepository
from domain.meta import MetaCleanup

from ..errors import guarded_write
from ..tables import meta_cleanups

_C = meta_cleanups.c


def _cleanup_values(c: MetaCleanup) -> dict[str, Any]:
    return {
        "id": c.id,
        "salon_id": c.salon_id,
        "page_id": c.page_id,
        "page_token_sealed": c.page_token_sealed,
        "user_token_sealed": c.user_token_sealed,
        "external_business_id": c.external_business_id,
        "revoke": c.revoke,
        "meta_user_id": c.meta_user_id,
        "attempts": c.attempts,
        "next_attempt_at": c.next_attempt_at,
        "last_error": c.last_error,
        "created_at": c.created_at,
    }


def _cleanup(row: RowMapping) -> MetaCleanup:
    return MetaCleanup(
        id=row["id"],
        salon_id=row["salon_id"],
        page_id=row["page_id"],
        page_token_sealed=row["page_token_sealed"],
        user_token_sealed=row["user_token_sealed"],
        external_business_id=row["external_business_id"],
        revoke=bool(row["revoke"]),
        meta_user_id=row["meta_user_id"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
    )


class SqlaMetaCleanupRepository(MetaCleanupRepository):
    """`meta_cleanups`, by id."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def _cleanups(
        self, *where: Any, order: Any, limit: int | None = None
    ) -> list[MetaCleanup]:
        query = select(meta_cleanups).where(*where).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        result = await self._conn.execute(query)
        return [_cleanup(row) for row in result.mappings()]

    async def add_cleanup(self, cleanup: MetaCleanup) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(meta_cleanups.insert().values(_cleanup_values(cleanup)))

    async def update_cleanup(self, cleanup: MetaCleanup) -> None:
        values = _cleanup_values(cleanup)
        del values["id"]
        await self._conn.execute(update(meta_cleanups).where(_C.id == cleanup.id).values(values))

    async def delete_cleanup(self, cleanup_id: str) -> None:
        await self._conn.execute(delete(meta_cleanups).where(_C.id == cleanup_id))

    async def get_cleanup(self, cleanup_id: str) -> MetaCleanup | None:
        rows = await self._cleanups(_C.id == cleanup_id, order=[_C.id])
        return rows[0] if rows else None

    async def due_cleanups(self, now: datetime, limit: int) -> Sequence[MetaCleanup]:
        return await self._cleanups(
            _C.next_attempt_at <= now, order=[_C.next_attempt_at, _C.id], limit=limit
        )

    async def cleanups(self, after: str | None, limit: int) -> Sequence[MetaCleanup]:
        where = [_C.id > after] if after is not None else []
        return await self._cleanups(*where, order=[_C.id], limit=limit)

    async def cleanups_for_salon(self, salon_id: str) -> Sequence[MetaCleanup]:
        return await self._cleanups(_C.salon_id == salon_id, order=[_C.created_at, _C.id])

    async def cleanups_for_meta_user(self, meta_user_id: str) -> Sequence[MetaCleanup]:
        return await self._cleanups(_C.meta_user_id == meta_user_id, order=[_C.created_at, _C.id])
