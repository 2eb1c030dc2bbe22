"""Alerts for a salon's owner."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.owner_alert_repository import OwnerAlert, OwnerAlertRepository

from ..tables import owner_alerts
from ._sql import dialect_insert


class SqlaOwnerAlertRepository(OwnerAlertRepository):
    """`owner_alerts`; `dedup_key` is unique."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add_alert(self, alert: OwnerAlert, dedup_key: str) -> bool:
        statement = (
            dialect_insert(self._conn, owner_alerts)
            .values(
                id=alert.id,
                salon_id=alert.salon_id,
                kind=alert.kind,
                message=alert.message,
                dedup_key=dedup_key,
                created_at=alert.created_at,
            )
            .on_conflict_do_nothing(index_elements=[owner_alerts.c.dedup_key])
        )
        result = await self._conn.execute(statement)
        return bool(result.rowcount)

    async def alerts(self, salon_id: str, limit: int = 20) -> Sequence[OwnerAlert]:
        a = owner_alerts.c
        result = await self._conn.execute(
            select(owner_alerts)
            .where(a.salon_id == salon_id)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(limit)
        )
        return [
            OwnerAlert(r["id"], r["salon_id"], r["kind"], r["message"], r["created_at"])
            for r in result.mappings()
        ]
