"""Idempotency keys, unique by (scope, key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.idempotency_repository import IdempotencyRecord, IdempotencyRepository

from ..errors import CONSTRAINT_TO_ERROR, guarded_write
from ..tables import idempotency_keys
from ._sql import dialect_insert

IDEMPOTENCY_KEY = "pk_idempotency_keys"


class SqlaIdempotencyRepository(IdempotencyRepository):
    """Records keyed by (scope, key).

    `add` is one upsert whose update fires only over an expired record, so the primary key
    decides which of two racing requests stores, and a live key answers Conflict.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def get(self, scope: str, key: str, not_before: datetime) -> IdempotencyRecord | None:
        result = await self._conn.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.scope == scope,
                idempotency_keys.c.key == key,
                idempotency_keys.c.created_at >= not_before,
            )
        )
        row = result.mappings().first()
        if row is None:
            return None
        return IdempotencyRecord(
            scope=row["scope"],
            key=row["key"],
            fingerprint=row["fingerprint"],
            booking_id=row["booking_id"],
            manage_token=row["manage_token"],
            created_at=row["created_at"],
        )

    async def add(self, record: IdempotencyRecord, expired_before: datetime) -> None:
        values = {
            "fingerprint": record.fingerprint,
            "booking_id": record.booking_id,
            "manage_token": record.manage_token,
            "created_at": record.created_at,
        }
        # One statement: insert, or take over an expired record; a live one wins (0 rows).
        statement = (
            dialect_insert(self._conn, idempotency_keys)
            .values(scope=record.scope, key=record.key, **values)
            .on_conflict_do_update(
                index_elements=[idempotency_keys.c.scope, idempotency_keys.c.key],
                set_=values,
                where=idempotency_keys.c.created_at < expired_before,
            )
        )
        async with guarded_write(self._conn):
            result = await self._conn.execute(statement)
        if result.rowcount != 1:
            raise CONSTRAINT_TO_ERROR[IDEMPOTENCY_KEY]()

    async def purge(self, created_before: datetime) -> int:
        result = await self._conn.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_at < created_before)
        )
        return int(result.rowcount)
