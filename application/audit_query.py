"""The owner reads their salon's audit log: newest first, filtered, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from application.actor import Actor
from application.ports.audit_log import AuditPage
from application.ports.unit_of_work import UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.audit import EntityType, decode_cursor
from domain.errors import ValidationFailed
from domain.time_range import checked_instant

MAX_LIMIT: Final = 200
DEFAULT_LIMIT: Final = 50


@dataclass(frozen=True, slots=True)
class AuditFilter:
    start_from: datetime | None = None  # inclusive, on the entry's time
    start_to: datetime | None = None  # exclusive
    entity_type: EntityType | None = None
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class AuditView:
    page: AuditPage
    timezone: str  # the salon's, for showing instants


class AuditQuery:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def search(self, actor: Actor, salon_id: str, filters: AuditFilter) -> AuditView:
        """Another owner's salon is NotFound, like every admin read."""
        for name, value in (("from", filters.start_from), ("to", filters.start_to)):
            if value is not None:
                checked_instant(value, name)
        if filters.start_from and filters.start_to and filters.start_to < filters.start_from:
            raise ValidationFailed("Invalid range.", {"to": "must not be before from"})
        if not 1 <= filters.limit <= MAX_LIMIT:
            raise ValidationFailed("Invalid limit.", {"limit": f"must be 1 to {MAX_LIMIT}"})
        if filters.cursor is not None:
            decode_cursor(filters.cursor)  # a bad cursor is the caller's 422, before any read
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            page = await uow.audit.search(
                salon_id,
                start_from=filters.start_from,
                start_to=filters.start_to,
                entity_type=filters.entity_type,
                limit=filters.limit,
                before_cursor=filters.cursor,
            )
        return AuditView(page=page, timezone=salon.timezone)
