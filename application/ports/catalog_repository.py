from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.catalog import Service, Staff


class CatalogRepository(Protocol):
    """Services and staff of a salon. Lists come in creation order (then id).

    `get_*` return None for unknown ids; the caller checks the salon (tenancy).
    """

    async def add_service(self, service: Service) -> None: ...

    async def update_service(self, service: Service) -> None: ...

    async def get_service(self, service_id: str) -> Service | None: ...

    async def services(
        self, salon_id: str, *, include_inactive: bool = False
    ) -> Sequence[Service]: ...

    async def add_staff(self, staff: Staff) -> None: ...

    async def update_staff(self, staff: Staff) -> None: ...

    async def get_staff(self, staff_id: str) -> Staff | None: ...

    async def staff(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Staff]: ...
