"""Salons and their locations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import RowMapping, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.salon_repository import SalonRepository
from domain.salon import BookingPolicy, Branding, Location, Salon, Tier

from ..errors import guarded_write
from ..tables import locations as location_table
from ..tables import salons
from ._sql import next_position

# The policy is flattened into columns named as BookingPolicy's fields: mapped from the
# dataclass, so a new policy field needs its column (table, migration), not an edit here.
_POLICY_COLUMNS = tuple(f.name for f in fields(BookingPolicy))


def _salon_values(salon: Salon) -> dict[str, Any]:
    return {
        "id": salon.id,
        "owner_id": salon.owner_id,
        "name": salon.name,
        "slug": salon.slug,
        "timezone": salon.timezone,
        "country": salon.country,
        "tier": salon.tier.value,
        **{name: getattr(salon.policy, name) for name in _POLICY_COLUMNS},
        "created_at": salon.created_at,
        "brand_color": salon.branding.color,
        "logo_url": salon.branding.logo_url,
    }


def _salon(row: RowMapping) -> Salon:
    return Salon(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        slug=row["slug"],
        timezone=row["timezone"],
        country=row["country"],
        tier=Tier(row["tier"]),
        policy=BookingPolicy(**{name: row[name] for name in _POLICY_COLUMNS}),
        created_at=row["created_at"],
        branding=Branding(color=row["brand_color"], logo_url=row["logo_url"]),
    )


def _location(row: RowMapping) -> Location:
    return Location(
        id=row["id"],
        salon_id=row["salon_id"],
        name=row["name"],
        address=row["address"],
        timezone=row["timezone"],
    )


class SqlaSalonRepository(SalonRepository):
    """Salons (policy flattened into columns) and locations; the slug is a unique key."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, salon: Salon) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(insert(salons).values(_salon_values(salon)))

    async def update(self, salon: Salon) -> None:
        values = _salon_values(salon)
        del values["id"]
        async with guarded_write(self._conn):
            await self._conn.execute(update(salons).where(salons.c.id == salon.id).values(values))

    async def get(self, salon_id: str) -> Salon | None:
        result = await self._conn.execute(select(salons).where(salons.c.id == salon_id))
        row = result.mappings().first()
        return None if row is None else _salon(row)

    async def get_by_slug(self, slug: str) -> Salon | None:
        result = await self._conn.execute(select(salons).where(salons.c.slug == slug))
        row = result.mappings().first()
        return None if row is None else _salon(row)

    async def owned_by(self, owner_id: str) -> Sequence[Salon]:
        result = await self._conn.execute(
            select(salons)
            .where(salons.c.owner_id == owner_id)
            .order_by(salons.c.created_at, salons.c.id)
        )
        return [_salon(row) for row in result.mappings()]

    async def slug_taken(self, slug: str) -> bool:
        taken = await self._conn.scalar(select(exists().where(salons.c.slug == slug)))
        return bool(taken)

    async def add_location(self, location: Location) -> None:
        statement = insert(location_table).values(
            id=location.id,
            salon_id=location.salon_id,
            position=next_position(location_table, location_table.c.salon_id == location.salon_id),
            name=location.name,
            address=location.address,
            timezone=location.timezone,
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def locations(self, salon_id: str) -> Sequence[Location]:
        result = await self._conn.execute(
            select(location_table)
            .where(location_table.c.salon_id == salon_id)
            .order_by(location_table.c.position, location_table.c.id)
        )
        return [_location(row) for row in result.mappings()]
