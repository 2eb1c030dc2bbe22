from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED

from application.actor import Actor
from application.use_cases import UseCases

from . import presenters as present
from .dependencies import provide_actor
from .schemas.salon import LocationIn, LocationOut, SalonOut, SalonPatchIn


class SalonsController(Controller):
    path = "/api/salons/{salon_id:str}"
    tags = ["salon"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("")
    async def get_salon(self, salon_id: str, actor: Actor, use_cases: UseCases) -> SalonOut:
        return present.salon(await use_cases.salons.get(actor, salon_id))

    @patch("")
    async def update_salon(
        self, salon_id: str, data: SalonPatchIn, actor: Actor, use_cases: UseCases
    ) -> SalonOut:
        policy: dict[str, Any] | None = None
        if data.policy is not None:  # absent fields are UNSET and stay; null reaches the domain
            fields = msgspec.structs.asdict(data.policy)
            policy = {k: v for k, v in fields.items() if v is not msgspec.UNSET}
        branding: dict[str, str] | None = None
        if data.branding is not None:
            given = msgspec.structs.asdict(data.branding)
            branding = {k: v for k, v in given.items() if v is not None}
        updated = await use_cases.salons.update(
            actor,
            salon_id,
            name=data.name,
            timezone=data.timezone,
            policy=policy,
            branding=branding,
        )
        return present.salon(updated)

    @post("/locations", status_code=HTTP_201_CREATED)
    async def add_location(
        self, salon_id: str, data: LocationIn, actor: Actor, use_cases: UseCases
    ) -> LocationOut:
        return present.location(
            await use_cases.salons.add_location(
                actor, salon_id, name=data.name, address=data.address, timezone=data.timezone
            )
        )

    @get("/locations")
    async def list_locations(
        self, salon_id: str, actor: Actor, use_cases: UseCases
    ) -> dict[str, list[LocationOut]]:
        found = await use_cases.salons.locations(actor, salon_id)
        return {"items": [present.location(x) for x in found]}
