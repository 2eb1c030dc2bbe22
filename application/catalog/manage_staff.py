"""Owner manages staff: who they are, what they do, where; their hours and time off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.meta.sync_requests import request_meta_sync
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import new_id
from application.tenancy import owned_salon, salon_service, salon_staff
from domain.audit import changed, diff
from domain.catalog import Staff
from domain.errors import NotFound, ValidationFailed
from domain.schedule import TimeOff, WeeklyInterval, validate_weekly
from domain.time_range import checked_instant

EDITABLE = frozenset({"name", "service_ids", "location_id", "active"})


async def _checked_refs(
    uow: UnitOfWork, salon_id: str, service_ids: Sequence[str], location_id: str | None
) -> tuple[tuple[str, ...], str]:
    """Services and location must be this salon's (else NotFound); default location = first."""
    unique = tuple(dict.fromkeys(service_ids))
    for service_id in unique:
        await salon_service(uow, salon_id, service_id)
    locations = await uow.salons.locations(salon_id)
    if location_id is None:
        if not locations:
            raise NotFound("The salon has no location.")
        return unique, locations[0].id
    if location_id not in {loc.id for loc in locations}:
        raise NotFound("Location not found.", {"location_id": location_id})
    return unique, location_id


class ManageStaff:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    def _trail(self, uow: UnitOfWork, actor: Actor, salon_id: str) -> Trail:
        return Trail(uow, salon_id, by_owner(actor), self._clock.now())

    async def create(
        self,
        actor: Actor,
        salon_id: str,
        *,
        name: str,
        service_ids: Sequence[str],
        location_id: str | None = None,
    ) -> Staff:
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            ids, location = await _checked_refs(uow, salon_id, service_ids, location_id)
            staff = Staff(
                id=new_id(),
                salon_id=salon_id,
                name=name.strip(),
                service_ids=ids,
                location_id=location,
            )
            staff.validate()
            await uow.catalog.add_staff(staff)
            await self._trail(uow, actor, salon_id).record(
                "staff.created", staff.id, diff(None, staff)
            )
            await request_meta_sync(uow, salon_id, self._clock.now())
            await uow.commit()
        return staff

    async def list(
        self, actor: Actor, salon_id: str, *, include_inactive: bool = False
    ) -> Sequence[Staff]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await uow.catalog.staff(salon_id, include_inactive=include_inactive)

    async def get(self, actor: Actor, salon_id: str, staff_id: str) -> Staff:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await salon_staff(uow, salon_id, staff_id)

    async def update(
        self, actor: Actor, salon_id: str, staff_id: str, changes: dict[str, Any]
    ) -> Staff:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationFailed(
                "Some fields cannot be changed.", {name: "not editable" for name in sorted(unknown)}
            )
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            current = await salon_staff(uow, salon_id, staff_id)
            ids, location = await _checked_refs(
                uow,
                salon_id,
                changes.get("service_ids", current.service_ids),
                changes.get("location_id", current.location_id),
            )
            updated = replace(
                current,
                service_ids=ids,
                location_id=location,
                name=str(changes.get("name", current.name)).strip(),
                active=bool(changes.get("active", current.active)),
            )
            updated.validate()
            await uow.catalog.update_staff(updated)
            await self._trail(uow, actor, salon_id).record(
                "staff.updated", staff_id, diff(current, updated)
            )
            await request_meta_sync(uow, salon_id, self._clock.now())
            await uow.commit()
        return updated

    async def deactivate(self, actor: Actor, salon_id: str, staff_id: str) -> None:
        await self.update(actor, salon_id, staff_id, {"active": False})

    async def set_hours(
        self, actor: Actor, salon_id: str, staff_id: str, weekly: Sequence[WeeklyInterval]
    ) -> Sequence[WeeklyInterval]:
        validate_weekly(weekly)
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            await salon_staff(uow, salon_id, staff_id)
            before = (await uow.schedules.weekly([staff_id]))[staff_id]
            await uow.schedules.set_weekly(staff_id, weekly)
            await self._trail(uow, actor, salon_id).record(
                "staff.hours_set", staff_id, changed("weekly", list(before), list(weekly))
            )
            await request_meta_sync(uow, salon_id, self._clock.now())
            await uow.commit()
        return list(weekly)

    async def hours(self, actor: Actor, salon_id: str, staff_id: str) -> Sequence[WeeklyInterval]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            await salon_staff(uow, salon_id, staff_id)
            return (await uow.schedules.weekly([staff_id]))[staff_id]

    async def add_time_off(
        self,
        actor: Actor,
        salon_id: str,
        staff_id: str,
        *,
        start: datetime,
        end: datetime,
        reason: str | None = None,
    ) -> TimeOff:
        checked_instant(start, "start")
        checked_instant(end, "end")
        if end <= start:
            raise ValidationFailed(
                "Time off must end after it starts.", {"end": "must be after start"}
            )
        time_off = TimeOff(id=new_id(), staff_id=staff_id, start=start, end=end, reason=reason)
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            await salon_staff(uow, salon_id, staff_id)
            await uow.schedules.add_time_off(time_off)
            await self._trail(uow, actor, salon_id).record(
                "time_off.added", time_off.id, diff(None, time_off)
            )
            await request_meta_sync(uow, salon_id, self._clock.now())
            await uow.commit()
        return time_off

    async def time_off(self, actor: Actor, salon_id: str, staff_id: str) -> Sequence[TimeOff]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            await salon_staff(uow, salon_id, staff_id)
            return await uow.schedules.time_off(staff_id)

    async def remove_time_off(
        self, actor: Actor, salon_id: str, staff_id: str, time_off_id: str
    ) -> None:
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            await salon_staff(uow, salon_id, staff_id)
            gone = [t for t in await uow.schedules.time_off(staff_id) if t.id == time_off_id]
            if not gone or not await uow.schedules.delete_time_off(staff_id, time_off_id):
                raise NotFound("Time off not found.")
            await self._trail(uow, actor, salon_id).record(
                "time_off.removed", time_off_id, diff(gone[0], None)
            )
            await request_meta_sync(uow, salon_id, self._clock.now())
            await uow.commit()
