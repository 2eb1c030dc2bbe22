"""Services and staff (with the services each staff member performs, in order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.catalog_repository import CatalogRepository
from domain.catalog import Service, Staff

from ..errors import guarded_write
from ..tables import services as service_table
from ..tables import staff as staff_table
from ..tables import staff_services
from ._sql import next_position


def _service_values(service: Service) -> dict[str, Any]:
    return {
        "name": service.name,
        "duration_minutes": service.duration_minutes,
        "price_minor": service.price_minor,
        "currency": service.currency,
        "buffer_after_minutes": service.buffer_after_minutes,
        "description": service.description,
        "active": service.active,
        "category": service.category,
    }


def _service(row: RowMapping) -> Service:
    return Service(
        id=row["id"],
        salon_id=row["salon_id"],
        name=row["name"],
        duration_minutes=row["duration_minutes"],
        price_minor=row["price_minor"],
        currency=row["currency"],
        buffer_after_minutes=row["buffer_after_minutes"],
        description=row["description"],
        active=bool(row["active"]),
        category=row["category"],
    )


def _staff(row: RowMapping, service_ids: Sequence[str]) -> Staff:
    return Staff(
        id=row["id"],
        salon_id=row["salon_id"],
        name=row["name"],
        service_ids=tuple(service_ids),
        location_id=row["location_id"],
        active=bool(row["active"]),
    )


class SqlaCatalogRepository(CatalogRepository):
    """Services and staff; lists in creation order (a per-salon position), then id."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add_service(self, service: Service) -> None:
        statement = insert(service_table).values(
            id=service.id,
            salon_id=service.salon_id,
            position=next_position(service_table, service_table.c.salon_id == service.salon_id),
            **_service_values(service),
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def update_service(self, service: Service) -> None:
        statement = (
            update(service_table)
            .where(service_table.c.id == service.id)
            .values(_service_values(service))
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def get_service(self, service_id: str) -> Service | None:
        result = await self._conn.execute(
            select(service_table).where(service_table.c.id == service_id)
        )
        row = result.mappings().first()
        return None if row is None else _service(row)

    async def services(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Service]:
        query = select(service_table).where(service_table.c.salon_id == salon_id)
        if not include_inactive:
            query = query.where(service_table.c.active.is_(True))
        result = await self._conn.execute(
            query.order_by(service_table.c.position, service_table.c.id)
        )
        return [_service(row) for row in result.mappings()]

    async def add_staff(self, staff: Staff) -> None:
        statement = insert(staff_table).values(
            id=staff.id,
            salon_id=staff.salon_id,
            position=next_position(staff_table, staff_table.c.salon_id == staff.salon_id),
            name=staff.name,
            location_id=staff.location_id,
            active=staff.active,
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)
            await self._insert_service_ids(staff)

    async def update_staff(self, staff: Staff) -> None:
        statement = (
            update(staff_table)
            .where(staff_table.c.id == staff.id)
            .values(name=staff.name, location_id=staff.location_id, active=staff.active)
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)
            await self._conn.execute(
                delete(staff_services).where(staff_services.c.staff_id == staff.id)
            )
            await self._insert_service_ids(staff)

    async def _insert_service_ids(self, staff: Staff) -> None:
        if staff.service_ids:
            await self._conn.execute(
                insert(staff_services),
                [
                    {"staff_id": staff.id, "position": position, "service_id": service_id}
                    for position, service_id in enumerate(staff.service_ids)
                ],
            )

    async def get_staff(self, staff_id: str) -> Staff | None:
        result = await self._conn.execute(select(staff_table).where(staff_table.c.id == staff_id))
        row = result.mappings().first()
        if row is None:
            return None
        service_ids = await self._conn.scalars(
            select(staff_services.c.service_id)
            .where(staff_services.c.staff_id == staff_id)
            .order_by(staff_services.c.position)
        )
        return _staff(row, list(service_ids))

    async def staff(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Staff]:
        query = select(staff_table).where(staff_table.c.salon_id == salon_id)
        if not include_inactive:
            query = query.where(staff_table.c.active.is_(True))
        result = await self._conn.execute(query.order_by(staff_table.c.position, staff_table.c.id))
        rows = list(result.mappings())
        if not rows:
            return []
        links = await self._conn.execute(
            select(staff_services.c.staff_id, staff_services.c.service_id)
            .where(staff_services.c.staff_id.in_([row["id"] for row in rows]))
            .order_by(staff_services.c.staff_id, staff_services.c.position)
        )
        service_ids: dict[str, list[str]] = {}
        for staff_id, service_id in links:
            service_ids.setdefault(staff_id, []).append(service_id)
        return [_staff(row, service_ids.get(row["id"], [])) for row in rows]
