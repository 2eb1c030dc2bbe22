from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.meta import MetaCleanup


class MetaCleanupRepository(Protocol):
    """Cleanups owed to Meta, kept until they are done."""

    async def add_cleanup(self, cleanup: MetaCleanup) -> None: ...

    async def update_cleanup(self, cleanup: MetaCleanup) -> None: ...

    async def delete_cleanup(self, cleanup_id: str) -> None: ...

    async def get_cleanup(self, cleanup_id: str) -> MetaCleanup | None: ...

    async def due_cleanups(self, now: datetime, limit: int) -> Sequence[MetaCleanup]:
        """Cleanups whose `next_attempt_at` has come, oldest first."""
        ...

    async def cleanups(self, after: str | None, limit: int) -> Sequence[MetaCleanup]:
        """Every cleanup by id after `after` (exclusive): the key-rotation pass."""
        ...

    async def cleanups_for_salon(self, salon_id: str) -> Sequence[MetaCleanup]: ...

    async def cleanups_for_meta_user(self, meta_user_id: str) -> Sequence[MetaCleanup]: ...
