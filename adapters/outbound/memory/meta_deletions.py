"""The in-memory MetaDeletionRepository over a MemoryState."""

from __future__ import annotations

from application.ports.meta_deletion_repository import MetaDeletionRepository
from domain.errors import Conflict
from domain.meta import DataDeletionRequest

from .store import MemoryState


class InMemoryMetaDeletionRepository(MetaDeletionRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_deletion_request(self, request: DataDeletionRequest) -> None:
        if request.confirmation_code in self._s.meta_deletions:
            raise Conflict("That confirmation code is already stored.")
        self._s.meta_deletions[request.confirmation_code] = request

    async def get_deletion_request(self, confirmation_code: str) -> DataDeletionRequest | None:
        return self._s.meta_deletions.get(confirmation_code)
