from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.salon import Location, Salon


class SalonRepository(Protocol):
    """Salons and their locations. Reads and writes join the unit of work's transaction.

    `add` raises domain.errors.Conflict when the slug is taken (a unique key, not a read).
    """

    async def add(self, salon: Salon) -> None: ...

    async def update(self, salon: Salon) -> None: ...

    async def get(self, salon_id: str) -> Salon | None: ...

    async def get_by_slug(self, slug: str) -> Salon | None: ...

    async def owned_by(self, owner_id: str) -> Sequence[Salon]:
        """The owner's salons, oldest first."""
        ...

    async def slug_taken(self, slug: str) -> bool: ...

    async def add_location(self, location: Location) -> None: ...

    async def locations(self, salon_id: str) -> Sequence[Location]:
        """In creation order."""
        ...
