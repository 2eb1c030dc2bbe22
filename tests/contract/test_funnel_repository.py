"""Contract: FunnelRepository — atomic counters per salon, local day, source and step."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from application.ports.funnel_repository import FunnelCount
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.analytics import FunnelStep
from domain.booking import BookingSource

from .builders import World, add_salon, seed

D1, D2, D3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
IG, WEB = BookingSource.INSTAGRAM, BookingSource.WEB
VIEW, SLOTS = FunnelStep.VIEW, FunnelStep.SLOT_VIEW


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


async def bump(
    uow_factory: UnitOfWorkFactory,
    salon_id: str,
    day: date,
    source: BookingSource,
    step: FunnelStep,
) -> None:
    async with uow_factory(write=True) as uow:
        await uow.funnel.increment(salon_id, day, source, step)
        await uow.commit()


async def counts(
    uow_factory: UnitOfWorkFactory, salon_id: str, first: date, last: date
) -> list[tuple[date, str, str, int]]:
    async with uow_factory() as uow:
        found = await uow.funnel.counts(salon_id, first, last)
    assert all(isinstance(c, FunnelCount) for c in found)
    return [(c.day, c.source.value, c.step.value, c.count) for c in found]


async def test_increments_add_up_per_day_source_and_step(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    sid = world.salon.id
    for _ in range(3):
        await bump(uow_factory, sid, D2, IG, VIEW)
    await bump(uow_factory, sid, D2, IG, SLOTS)
    await bump(uow_factory, sid, D2, WEB, VIEW)
    await bump(uow_factory, sid, D1, WEB, SLOTS)
    await bump(uow_factory, sid, D3, IG, VIEW)
    assert await counts(uow_factory, sid, D1, D3) == [
        (D1, "web", "slot_view", 1),
        (D2, "instagram", "slot_view", 1),
        (D2, "instagram", "view", 3),
        (D2, "web", "view", 1),
        (D3, "instagram", "view", 1),
    ]
    # Both ends are inclusive; days outside are left out.
    assert [c[0] for c in await counts(uow_factory, sid, D2, D2)] == [D2, D2, D2]
    assert await counts(uow_factory, sid, D3, D3) == [(D3, "instagram", "view", 1)]
    assert await counts(uow_factory, sid, date(2027, 1, 1), date(2027, 2, 1)) == []


async def test_salons_are_counted_apart(uow_factory: UnitOfWorkFactory, world: World) -> None:
    other = await add_salon(uow_factory)
    await bump(uow_factory, world.salon.id, D1, IG, VIEW)
    await bump(uow_factory, other.id, D1, IG, VIEW)
    await bump(uow_factory, other.id, D1, IG, VIEW)
    assert await counts(uow_factory, world.salon.id, D1, D1) == [(D1, "instagram", "view", 1)]
    assert await counts(uow_factory, other.id, D1, D1) == [(D1, "instagram", "view", 2)]


async def test_an_uncommitted_increment_counts_nothing(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    await bump(uow_factory, world.salon.id, D1, IG, VIEW)
    async with uow_factory(write=True) as uow:
        await uow.funnel.increment(world.salon.id, D1, IG, VIEW)
    assert await counts(uow_factory, world.salon.id, D1, D1) == [(D1, "instagram", "view", 1)]


async def test_concurrent_increments_all_count(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    """The upsert is atomic: racing first increments neither fail nor lose a count."""
    await asyncio.gather(*(bump(uow_factory, world.salon.id, D1, WEB, VIEW) for _ in range(12)))
    assert await counts(uow_factory, world.salon.id, D1, D1) == [(D1, "web", "view", 12)]
