"""The in-memory SalonRepository: salons and their locations.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from application.ports.salon_repository import SalonRepository
from domain.errors import Conflict
from domain.salon import Location, Salon

from .store import MemoryState


class InMemorySalonRepository(SalonRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(self, salon: Salon) -> None:
        if await self.slug_taken(salon.slug):
            raise Conflict("That slug is taken.")
        self._s.salons[salon.id] = salon

    async def update(self, salon: Salon) -> None:
        self._s.salons[salon.id] = salon

    async def get(self, salon_id: str) -> Salon | None:
        return self._s.salons.get(salon_id)

    async def get_by_slug(self, slug: str) -> Salon | None:
        return next((s for s in self._s.salons.values() if s.slug == slug), None)

    async def slug_taken(self, slug: str) -> bool:
        return any(s.slug == slug for s in self._s.salons.values())

    async def owned_by(self, owner_id: str) -> Sequence[Salon]:
        mine = [s for s in self._s.salons.values() if s.owner_id == owner_id]
        return sorted(mine, key=lambda s: (s.created_at or datetime.min.replace(tzinfo=UTC), s.id))

    async def add_location(self, location: Location) -> None:
        self._s.locations[location.id] = location

    async def locations(self, salon_id: str) -> Sequence[Location]:
        return [loc for loc in self._s.locations.values() if loc.salon_id == salon_id]
