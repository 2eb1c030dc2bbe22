from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """What the first request with a key produced: enough to answer a replay."""

    scope: str
    key: str
    fingerprint: str
    booking_id: str
    manage_token: str
    created_at: datetime


class IdempotencyRepository(Protocol):
    """Idempotency keys, unique by (scope, key).

    `add` writes in the caller's transaction and raises domain.errors.Conflict when the key is
    already stored with `created_at >= expired_before` (a unique key: two racing requests cannot
    both store); an older, expired record is replaced in the same statement. `get` ignores
    records created before `not_before`.
    """

    async def get(self, scope: str, key: str, not_before: datetime) -> IdempotencyRecord | None: ...

    async def add(self, record: IdempotencyRecord, expired_before: datetime) -> None: ...

    async def purge(self, created_before: datetime) -> int: ...
