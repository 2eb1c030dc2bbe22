from __future__ import annotations

from typing import Protocol

from domain.meta import DataDeletionRequest


class MetaDeletionRepository(Protocol):
    """Meta's data-deletion requests, by the confirmation code their status page shows."""

    async def add_deletion_request(self, request: DataDeletionRequest) -> None: ...

    async def get_deletion_request(self, confirmation_code: str) -> DataDeletionRequest | None: ...
