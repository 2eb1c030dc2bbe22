"""The audit log table: INSERT and SELECT only (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, and_, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.audit_log import AuditLog, AuditPage
from domain.audit import ActorType, AuditEntry, Change, EntityType, decode_cursor, encode_cursor

from ..errors import domain_error
from ..tables import audit_log


def _changes(text: str) -> dict[str, Change]:
    loaded: dict[str, list[Any]] = json.loads(text)
    return {field: (pair[0], pair[1]) for field, pair in loaded.items()}


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        salon_id=row["salon_id"],
        at=row["at"],
        actor_type=ActorType(row["actor_type"]),
        actor_id=row["actor_id"],
        action=row["action"],
        entity_type=EntityType(row["entity_type"]),
        entity_id=row["entity_id"],
        changes=_changes(row["changes"]),
        request_id=row["request_id"],
    )


class SqlaAuditLog(AuditLog):
    """Entries over the unit of work's connection, in its transaction.

    `record` is a plain INSERT, without the savepoint other writes take: it breaks no
    constraint in normal operation, and this keeps the booking path one round trip shorter.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def record(self, entry: AuditEntry) -> None:
        changes = {field: list(pair) for field, pair in entry.changes.items()}
        try:
            await self._conn.execute(
                insert(audit_log).values(
                    id=entry.id,
                    salon_id=entry.salon_id,
                    at=entry.at,
                    actor_type=entry.actor_type.value,
                    actor_id=entry.actor_id,
                    action=entry.action,
                    entity_type=entry.entity_type.value,
                    entity_id=entry.entity_id,
                    changes=json.dumps(changes, ensure_ascii=False, separators=(",", ":")),
                    request_id=entry.request_id,
                )
            )
        except IntegrityError as exc:
            raise domain_error(exc) from exc

    async def search(
        self,
        salon_id: str,
        *,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        entity_type: EntityType | None = None,
        limit: int = 50,
        before_cursor: str | None = None,
    ) -> AuditPage:
        c = audit_log.c
        query = select(audit_log).where(c.salon_id == salon_id)
        if start_from is not None:
            query = query.where(c.at >= start_from)
        if start_to is not None:
            query = query.where(c.at < start_to)
        if entity_type is not None:
            query = query.where(c.entity_type == entity_type.value)
        if before_cursor is not None:
            at, entry_id = decode_cursor(before_cursor)
            query = query.where(or_(c.at < at, and_(c.at == at, c.id < entry_id)))
        query = query.order_by(c.at.desc(), c.id.desc()).limit(limit + 1)
        rows = (await self._conn.execute(query)).mappings().all()
        page = [_entry(row) for row in rows[:limit]]
        more = len(rows) > limit
        return AuditPage(
            items=page, next_cursor=encode_cursor(page[-1].at, page[-1].id) if more else None
        )
