from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.audit import AuditEntry, EntityType


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Entries newest first; `next_cursor` fetches the next (older) page, None at the end."""

    items: Sequence[AuditEntry]
    next_cursor: str | None


class AuditLog(Protocol):
    """The append-only audit log of a salon. There is no update or delete, by design.

    `record` writes in the unit of work's transaction: the entry commits with the change it
    describes and vanishes with it on rollback. Recording an id twice raises
    domain.errors.Conflict.

    `search` answers a salon's entries newest first, ordered by (at, id) descending: `start_from`
    inclusive and `start_to` exclusive bound `at`; `entity_type` filters; at most `limit`
    entries. `before_cursor` (an opaque string from a previous page's `next_cursor`, made by
    domain.audit.encode_cursor) continues strictly after the last entry of that page, so
    entries written meanwhile never shift a page (keyset pagination). A malformed cursor
    raises domain.errors.ValidationFailed.
    """

    async def record(self, entry: AuditEntry) -> None: ...

    async def search(
        self,
        salon_id: str,
        *,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        entity_type: EntityType | None = None,
        limit: int = 50,
        before_cursor: str | None = None,
    ) -> AuditPage: ...
