from __future__ import annotations

from datetime import time
from typing import Any

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.actor import Actor
from application.use_cases import UseCases
from domain.schedule import WeeklyInterval

from . import presenters as present
from .dependencies import provide_actor
from .schemas.catalog import (
    HoursBody,
    ServiceIn,
    ServiceOut,
    ServicePatchIn,
    StaffIn,
    StaffOut,
    StaffPatchIn,
    TimeOffIn,
    TimeOffOut,
)


def _changes(data: msgspec.Struct) -> dict[str, Any]:
    """Fields present in a PATCH body (null means 'leave as is'); ids become strings."""
    out: dict[str, Any] = {}
    for key, value in msgspec.structs.asdict(data).items():
        if value is None:
            continue
        if key == "service_ids":
            value = [str(v) for v in value]
        elif key == "location_id":
            value = str(value)
        out[key] = value
    return out


class ServicesController(Controller):
    path = "/api/salons/{salon_id:str}/services"
    tags = ["services"]
    dependencies = {"actor": Provide(provide_actor)}

    @post("", status_code=HTTP_201_CREATED)
    async def create(
        self, salon_id: str, data: ServiceIn, actor: Actor, use_cases: UseCases
    ) -> ServiceOut:
        return present.service(
            await use_cases.services.create(
                actor,
                salon_id,
                name=data.name,
                duration_minutes=data.duration_minutes,
                price_minor=data.price_minor,
                currency=data.currency,
                buffer_after_minutes=data.buffer_after_minutes,
                description=data.description,
                category=data.category,
            )
        )

    @get("")
    async def list_services(
        self, salon_id: str, actor: Actor, use_cases: UseCases, include_inactive: bool = False
    ) -> dict[str, list[ServiceOut]]:
        found = await use_cases.services.list(actor, salon_id, include_inactive=include_inactive)
        return {"items": [present.service(x) for x in found]}

    @get("/{service_id:str}")
    async def get_service(
        self, salon_id: str, service_id: str, actor: Actor, use_cases: UseCases
    ) -> ServiceOut:
        return present.service(await use_cases.services.get(actor, salon_id, service_id))

    @patch("/{service_id:str}")
    async def update(
        self,
        salon_id: str,
        service_id: str,
        data: ServicePatchIn,
        actor: Actor,
        use_cases: UseCases,
    ) -> ServiceOut:
        return present.service(
            await use_cases.services.update(actor, salon_id, service_id, _changes(data))
        )

    @delete("/{service_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def deactivate(
        self, salon_id: str, service_id: str, actor: Actor, use_cases: UseCases
    ) -> None:
        await use_cases.services.deactivate(actor, salon_id, service_id)


class StaffController(Controller):
    path = "/api/salons/{salon_id:str}/staff"
    tags = ["staff"]
    dependencies = {"actor": Provide(provide_actor)}

    @post("", status_code=HTTP_201_CREATED)
    async def create(
        self, salon_id: str, data: StaffIn, actor: Actor, use_cases: UseCases
    ) -> StaffOut:
        return present.staff(
            await use_cases.staff.create(
                actor,
                salon_id,
                name=data.name,
                service_ids=[str(x) for x in data.service_ids],
                location_id=str(data.location_id) if data.location_id else None,
            )
        )

    @get("")
    async def list_staff(
        self, salon_id: str, actor: Actor, use_cases: UseCases, include_inactive: bool = False
    ) -> dict[str, list[StaffOut]]:
        found = await use_cases.staff.list(actor, salon_id, include_inactive=include_inactive)
        return {"items": [present.staff(x) for x in found]}

    @get("/{staff_id:str}")
    async def get_staff(
        self, salon_id: str, staff_id: str, actor: Actor, use_cases: UseCases
    ) -> StaffOut:
        return present.staff(await use_cases.staff.get(actor, salon_id, staff_id))

    @patch("/{staff_id:str}")
    async def update(
        self, salon_id: str, staff_id: str, data: StaffPatchIn, actor: Actor, use_cases: UseCases
    ) -> StaffOut:
        return present.staff(
            await use_cases.staff.update(actor, salon_id, staff_id, _changes(data))
        )

    @delete("/{staff_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def deactivate(
        self, salon_id: str, staff_id: str, actor: Actor, use_cases: UseCases
    ) -> None:
        await use_cases.staff.deactivate(actor, salon_id, staff_id)

    @put("/{staff_id:str}/hours")
    async def set_hours(
        self, salon_id: str, staff_id: str, data: HoursBody, actor: Actor, use_cases: UseCases
    ) -> HoursBody:
        weekly = [
            WeeklyInterval(
                weekday=w.weekday, start=time.fromisoformat(w.start), end=time.fromisoformat(w.end)
            )
            for w in data.weekly
        ]
        return present.hours(await use_cases.staff.set_hours(actor, salon_id, staff_id, weekly))

    @get("/{staff_id:str}/hours")
    async def get_hours(
        self, salon_id: str, staff_id: str, actor: Actor, use_cases: UseCases
    ) -> HoursBody:
        return present.hours(await use_cases.staff.hours(actor, salon_id, staff_id))

    @post("/{staff_id:str}/time-off", status_code=HTTP_201_CREATED)
    async def add_time_off(
        self, salon_id: str, staff_id: str, data: TimeOffIn, actor: Actor, use_cases: UseCases
    ) -> TimeOffOut:
        added = await use_cases.staff.add_time_off(
            actor, salon_id, staff_id, start=data.start, end=data.end, reason=data.reason
        )
        salon = await use_cases.salons.get(actor, salon_id)
        return present.time_off(added, salon.timezone)

    @get("/{staff_id:str}/time-off")
    async def list_time_off(
        self, salon_id: str, staff_id: str, actor: Actor, use_cases: UseCases
    ) -> dict[str, list[TimeOffOut]]:
        salon = await use_cases.salons.get(actor, salon_id)
        found = await use_cases.staff.time_off(actor, salon_id, staff_id)
        return {"items": [present.time_off(x, salon.timezone) for x in found]}

    @delete("/{staff_id:str}/time-off/{time_off_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def remove_time_off(
        self, salon_id: str, staff_id: str, time_off_id: str, actor: Actor, use_cases: UseCases
    ) -> None:
        await use_cases.staff.remove_time_off(actor, salon_id, staff_id, time_off_id)
