"""The in-memory CatalogRepository: services and staff.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.catalog_repository import CatalogRepository
from domain.catalog import Service, Staff

from .store import MemoryState


class InMemoryCatalogRepository(CatalogRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_service(self, service: Service) -> None:
        self._s.services[service.id] = service

    async def update_service(self, service: Service) -> None:
        self._s.services[service.id] = service

    async def get_service(self, service_id: str) -> Service | None:
        return self._s.services.get(service_id)

    async def services(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Service]:
        return [
            s
            for s in self._s.services.values()
            if s.salon_id == salon_id and (include_inactive or s.active)
        ]

    async def add_staff(self, staff: Staff) -> None:
        self._s.staff[staff.id] = staff

    async def update_staff(self, staff: Staff) -> None:
        self._s.staff[staff.id] = staff

    async def get_staff(self, staff_id: str) -> Staff | None:
        return self._s.staff.get(staff_id)

    async def staff(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Staff]:
        return [
            s
            for s in self._s.staff.values()
            if s.salon_id == salon_id and (include_inactive or s.active)
        ]
