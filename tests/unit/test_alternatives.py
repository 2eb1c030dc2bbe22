"""Alternatives searched outward give exactly what one pass over the week either side gives."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from application.booking.slots import (
    ALTERNATIVES_SEARCH_DAYS,
    MAX_ALTERNATIVES,
    Occupancy,
    alternatives,
    offered_slots,
)
from domain.availability import nearest
from domain.booking import BookingSource
from domain.errors import SlotUnavailable

from .conftest import World

IST = ZoneInfo("Asia/Kolkata")


async def one_pass(world: World, target: datetime, staff_ids: list[str]) -> list[object]:
    """The reference: every offered slot a week either side of the asked day, nearest five."""
    now = world.clock.now()
    async with world.uow() as uow:
        salon = await uow.salons.get(world.salon_id)
        service = await uow.catalog.get_service(world.cut)
        assert salon is not None and service is not None
        today = now.astimezone(IST).date()
        asked = target.astimezone(IST).date()
        first = max(asked - timedelta(days=ALTERNATIVES_SEARCH_DAYS), today)
        last = min(
            asked + timedelta(days=ALTERNATIVES_SEARCH_DAYS),
            (now + timedelta(days=salon.policy.horizon_days)).astimezone(IST).date(),
        )
        slots = await offered_slots(
            uow, salon, Occupancy.of(service), staff_ids, first, (last - first).days + 1, now
        )
        return list(nearest(slots, target, MAX_ALTERNATIVES))


async def outward(world: World, target: datetime, staff_ids: list[str]) -> list[object]:
    async with world.uow() as uow:
        salon = await uow.salons.get(world.salon_id)
        service = await uow.catalog.get_service(world.cut)
        assert salon is not None and service is not None
        found = await alternatives(
            uow, salon, Occupancy.of(service), staff_ids, target, world.clock.now()
        )
        return list(found)


async def test_outward_search_matches_one_pass_on_random_busy_calendars(world: World) -> None:
    rng = random.Random(20261124)
    base = datetime(2026, 12, 1, tzinfo=IST)
    for n in range(400):  # fill some days nearly solid so the search must widen
        day = rng.choice([0, 1, 2, 3, 5, 8, 9])
        start = base + timedelta(days=day, hours=10, minutes=15 * rng.randrange(0, 28))
        with contextlib.suppress(SlotUnavailable):
            await world.uc.book(
                BookRequest(
                    salon_id=world.salon_id,
                    service_id=world.cut,
                    staff_id=None,
                    start=start,
                    customer=CustomerDetails("C", f"98{n:08d}"),
                    source=BookingSource.WEB,
                )
            )
    both = [world.asha, world.ben]
    for _ in range(40):
        target = base + timedelta(days=rng.randrange(-2, 14), minutes=15 * rng.randrange(0, 96))
        for staff_ids in (both, [world.asha]):
            assert await outward(world, target, staff_ids) == await one_pass(
                world, target, staff_ids
            ), target


async def test_a_target_in_the_past_still_gets_alternatives(world: World) -> None:
    past = world.clock.now() - timedelta(days=30)
    found = await outward(world, past.astimezone(UTC), [world.asha, world.ben])
    assert len(found) == MAX_ALTERNATIVES
