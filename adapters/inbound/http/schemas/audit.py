"""The audit log's page."""

from __future__ import annotations

from typing import Any

import msgspec


class AuditActorOut(msgspec.Struct, kw_only=True):
    type: str  # owner | customer | system | operator
    id: str | None


class AuditEntityOut(msgspec.Struct, kw_only=True):
    type: str
    id: str


class AuditEntryOut(msgspec.Struct, kw_only=True):
    id: str
    at: str
    actor: AuditActorOut
    action: str
    entity: AuditEntityOut
    changes: dict[str, list[Any]]  # field -> [before, after]
    request_id: str | None


class AuditPageOut(msgspec.Struct, kw_only=True):
    items: list[AuditEntryOut]
    next_cursor: str | None
