"""What a customer sees before booking: the salon's offer and live availability."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from application.booking.slots import Occupancy, offered_slots, qualified
from application.ports.clock import Clock
from application.ports.metrics import Metrics
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.tenancy import public_salon, salon_service, salon_staff
from domain.availability import Slot
from domain.catalog import Service, Staff
from domain.errors import NotFound, ValidationFailed
from domain.salon import Location, Salon
from domain.time_range import checked_date

MAX_DAYS = 14


@dataclass(frozen=True, slots=True)
class PublicOffer:
    salon: Salon
    services: Sequence[Service]
    staff: Sequence[Staff]
    locations: Sequence[Location] = ()


class Browse:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, metrics: Metrics) -> None:
        self._uow, self._clock, self._metrics = uow, clock, metrics

    async def offer(self, salon_id: str) -> PublicOffer:
        async with self._uow() as uow:
            return await _offer(uow, await public_salon(uow, salon_id))

    async def offer_by_slug(self, slug: str) -> PublicOffer:
        """The booking page's read: the salon at `slug` and its offer, in one transaction."""
        async with self._uow() as uow:
            salon = await uow.salons.get_by_slug(slug)
            if salon is None:
                raise NotFound("Salon not found.")
            return await _offer(uow, salon)

    async def by_slug(self, slug: str) -> Salon:
        async with self._uow() as uow:
            salon = await uow.salons.get_by_slug(slug)
        if salon is None:
            raise NotFound("Salon not found.")
        return salon

    def today(self, salon: Salon) -> date:
        return self._clock.now().astimezone(salon.zone).date()

    async def availability(
        self,
        salon_id: str,
        service_id: str,
        first: date,
        days: int = 1,
        staff_id: str | None = None,
    ) -> tuple[Salon, list[Slot]]:
        if not 1 <= days <= MAX_DAYS:
            raise ValidationFailed("Invalid days.", {"days": f"must be 1 to {MAX_DAYS}"})
        checked_date(first, "date")
        async with self._uow() as uow:
            salon = await public_salon(uow, salon_id)
            service = await salon_service(uow, salon_id, service_id)
            if staff_id is not None:
                candidates = qualified([await salon_staff(uow, salon_id, staff_id)], service)
            else:
                candidates = qualified(await uow.catalog.staff(salon_id), service)
            started = time.perf_counter()
            slots = await offered_slots(
                uow,
                salon,
                Occupancy.of(service),
                [s.id for s in candidates],
                first,
                days,
                self._clock.now(),
            )
            self._metrics.availability_computed(time.perf_counter() - started)
        return salon, slots


async def _offer(uow: UnitOfWork, salon: Salon) -> PublicOffer:
    return PublicOffer(
        salon=salon,
        services=await uow.catalog.services(salon.id),
        staff=await uow.catalog.staff(salon.id),
        locations=await uow.salons.locations(salon.id),
    )
