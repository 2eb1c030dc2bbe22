"""The in-memory IdempotencyRepository: idempotency keys of HTTP writes.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from application.ports.idempotency_repository import IdempotencyRecord, IdempotencyRepository
from domain.errors import Conflict

from .store import MemoryState


class InMemoryIdempotencyRepository(IdempotencyRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def get(self, scope: str, key: str, not_before: datetime) -> IdempotencyRecord | None:
        found = self._s.idempotency.get((scope, key))
        return found if found is not None and found.created_at >= not_before else None

    async def add(self, record: IdempotencyRecord, expired_before: datetime) -> None:
        existing = self._s.idempotency.get((record.scope, record.key))
        if existing is not None and existing.created_at >= expired_before:
            raise Conflict("Idempotency key already used.")
        self._s.idempotency[(record.scope, record.key)] = replace(record)

    async def purge(self, created_before: datetime) -> int:
        old = [k for k, r in self._s.idempotency.items() if r.created_at < created_before]
        for k in old:
            del self._s.idempotency[k]
        return len(old)
