"""In-memory audit log over a MemoryState: entries keyed by id, never changed once added."""

from __future__ import annotations

from datetime import datetime

from application.ports.audit_log import AuditLog, AuditPage
from domain.audit import AuditEntry, EntityType, decode_cursor, encode_cursor
from domain.errors import Conflict

from .store import MemoryState


class InMemoryAuditLog(AuditLog):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def record(self, entry: AuditEntry) -> None:
        if entry.id in self._s.audit:
            raise Conflict("That audit entry is already recorded.")
        self._s.audit[entry.id] = entry

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
        after = decode_cursor(before_cursor) if before_cursor is not None else None
        found = sorted(
            (
                e
                for e in self._s.audit.values()
                if e.salon_id == salon_id
                and (start_from is None or e.at >= start_from)
                and (start_to is None or e.at < start_to)
                and (entity_type is None or e.entity_type == entity_type)
                and (after is None or (e.at, e.id) < after)
            ),
            key=lambda e: (e.at, e.id),
            reverse=True,
        )
        page = found[:limit]
        more = len(found) > limit
        return AuditPage(
            items=page, next_cursor=encode_cursor(page[-1].at, page[-1].id) if more else None
        )
