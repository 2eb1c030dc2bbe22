"""Owner reads and edits their salon (name, time zone, booking policy) and its locations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from application.actor import Actor
from application.audit_trail import Trail, by_operator, by_owner
from application.meta.sync_requests import request_meta_sync
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import new_id
from application.tenancy import owned_salon
from domain.audit import diff
from domain.errors import NotFound, PlanRequired, ValidationFailed
from domain.salon import Location, Salon, Tier, parse_timezone


class ManageSalon:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def get(self, actor: Actor, salon_id: str) -> Salon:
        async with self._uow() as uow:
            return await owned_salon(uow, actor, salon_id)

    async def update(
        self,
        actor: Actor,
        salon_id: str,
        *,
        name: str | None = None,
        timezone: str | None = None,
        policy: dict[str, Any] | None = None,
        branding: dict[str, str] | None = None,
    ) -> Salon:
        """Partial update; `policy` and `branding` fields merge into the current ones (a
        `policy` value None clears an optional field; on any other it is a ValidationFailed).
        Branding (the booking page's colour and logo) is an Elite feature."""
        changes: dict[str, Any] = {}
        if name is not None:
            if not name.strip() or len(name) > 200:
                raise ValidationFailed("Invalid name.", {"name": "must be 1 to 200 characters"})
            changes["name"] = name.strip()
        if timezone is not None:
            parse_timezone(timezone)
            changes["timezone"] = timezone
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            if policy:
                changes["policy"] = salon.policy.merged(policy)
            if branding:
                if salon.tier is not Tier.ELITE:
                    raise PlanRequired(
                        "Your logo and colours on the booking page need the Elite plan.",
                        {"required": [Tier.ELITE.value], "tier": salon.tier.value},
                    )
                changes["branding"] = salon.branding.merged(branding)
            updated = replace(salon, **changes)
            await uow.salons.update(updated)
            now = self._clock.now()
            await Trail(uow, salon_id, by_owner(actor), now).record(
                "salon.updated", salon_id, diff(salon, updated)
            )
            if (updated.name, updated.slug) != (salon.name, salon.slug):
                await request_meta_sync(uow, salon_id, now)
            await uow.commit()
        return updated

    async def add_location(
        self,
        actor: Actor,
        salon_id: str,
        *,
        name: str,
        address: str | None = None,
        timezone: str | None = None,
    ) -> Location:
        if not name.strip() or len(name) > 200:
            raise ValidationFailed("Invalid name.", {"name": "must be 1 to 200 characters"})
        if timezone is not None:
            parse_timezone(timezone)
        location = Location(
            id=new_id(), salon_id=salon_id, name=name.strip(), address=address, timezone=timezone
        )
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            await uow.salons.add_location(location)
            trail = Trail(uow, salon_id, by_owner(actor), self._clock.now())
            await trail.record("location.added", location.id, diff(None, location))
            await uow.commit()
        return location

    async def owned(self, actor: Actor) -> Sequence[Salon]:
        """The actor's salons, oldest first (the admin's salon switcher)."""
        async with self._uow() as uow:
            return await uow.salons.owned_by(actor.owner_id)

    async def locations(self, actor: Actor, salon_id: str) -> Sequence[Location]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await uow.salons.locations(salon_id)


class SetTier:
    """Operator command: owners cannot change their own plan through the API."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, salon_id: str, tier: Tier, operator: str | None = None) -> Salon:
        """`operator` names who ran the command, for the audit log (when known)."""
        async with self._uow(write=True) as uow:
            salon = await uow.salons.get(salon_id)
            if salon is None:
                raise NotFound("Salon not found.")
            updated = replace(salon, tier=tier)
            await uow.salons.update(updated)
            now = self._clock.now()
            await Trail(uow, salon_id, by_operator(operator), now).record(
                "salon.tier_changed", salon_id, diff(salon, updated)
            )
            if updated.tier != salon.tier:  # "Book in chat" comes and goes with the assistant
                await request_meta_sync(uow, salon_id, now)
            await uow.commit()
        return updated
