"""Owner manages the salon's services: create, list, edit, deactivate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.meta.sync_requests import request_meta_sync
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import new_id
from application.tenancy import owned_salon, salon_service
from domain.audit import diff
from domain.catalog import Service
from domain.errors import ValidationFailed

EDITABLE = frozenset(
    {
        "name",
        "duration_minutes",
        "price_minor",
        "currency",
        "buffer_after_minutes",
        "description",
        "active",
        "category",
    }
)


class ManageServices:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def create(
        self,
        actor: Actor,
        salon_id: str,
        *,
        name: str,
        duration_minutes: int,
        price_minor: int,
        currency: str,
        buffer_after_minutes: int = 0,
        description: str | None = None,
        category: str | None = None,
    ) -> Service:
        service = Service(
            id=new_id(),
            salon_id=salon_id,
            name=name.strip(),
            duration_minutes=duration_minutes,
            price_minor=price_minor,
            currency=currency,
            buffer_after_minutes=buffer_after_minutes,
            description=description,
            category=(category or "").strip() or None,
        )
        service.validate()
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            await uow.catalog.add_service(service)
            now = self._clock.now()
            await Trail(uow, salon_id, by_owner(actor), now).record(
                "service.created", service.id, diff(None, service)
            )
            await request_meta_sync(uow, salon_id, now)
            await uow.commit()
        return service

    async def list(
        self, actor: Actor, salon_id: str, *, include_inactive: bool = False
    ) -> Sequence[Service]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await uow.catalog.services(salon_id, include_inactive=include_inactive)

    async def get(self, actor: Actor, salon_id: str, service_id: str) -> Service:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await salon_service(uow, salon_id, service_id)

    async def update(
        self, actor: Actor, salon_id: str, service_id: str, changes: dict[str, Any]
    ) -> Service:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationFailed(
                "Some fields cannot be changed.", {name: "not editable" for name in sorted(unknown)}
            )
        if "name" in changes and isinstance(changes["name"], str):
            changes = {**changes, "name": changes["name"].strip()}
        if "category" in changes and isinstance(changes["category"], str):
            changes = {**changes, "category": changes["category"].strip() or None}  # "" clears
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            current = await salon_service(uow, salon_id, service_id)
            updated = replace(current, **changes)
            updated.validate()
            await uow.catalog.update_service(updated)
            now = self._clock.now()
            await Trail(uow, salon_id, by_owner(actor), now).record(
                "service.updated", service_id, diff(current, updated)
            )
            await request_meta_sync(uow, salon_id, now)
            await uow.commit()
        return updated

    async def deactivate(self, actor: Actor, salon_id: str, service_id: str) -> None:
        """Existing bookings stay; the service is no longer offered."""
        await self.update(actor, salon_id, service_id, {"active": False})
