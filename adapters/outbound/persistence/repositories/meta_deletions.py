"""Meta's data-deletion requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.meta_deletion_repository import MetaDeletionRepository
from domain.meta import DataDeletionRequest

from ..errors import guarded_write
from ..tables import meta_data_deletions


class SqlaMetaDeletionRepository(MetaDeletionRepository):
    """`meta_data_deletions`, by confirmation code."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add_deletion_request(self, request: DataDeletionRequest) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(
                meta_data_deletions.insert().values(
                    confirmation_code=request.confirmation_code,
                    meta_user_hash=request.meta_user_hash,
                    status=request.status,
                    salons_affected=request.salons_affected,
                    requested_at=request.requested_at,
                    completed_at=request.completed_at,
                )
            )

    async def get_deletion_request(self, confirmation_code: str) -> DataDeletionRequest | None:
        result = await self._conn.execute(
            select(meta_data_deletions).where(
                meta_data_deletions.c.confirmation_code == confirmation_code
            )
        )
        row = result.mappings().first()
        if row is None:
            return None
        return DataDeletionRequest(
            confirmation_code=row["confirmation_code"],
            meta_user_hash=row["meta_user_hash"],
            status=row["status"],
            salons_affected=row["salons_affected"],
            requested_at=row["requested_at"],
            completed_at=row["completed_at"],
        )
