"""Contract: BookingStats — the analytics aggregates over a salon's bookings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from application.ports.booking_stats import BookingTimes, ServiceBookings
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.booking import Booking, BookingSource, BookingStatus

from .builders import IST, T0, World, add_salon, at, make_service, seed

IG, FB, STAFF, WEB = (
    BookingSource.INSTAGRAM,
    BookingSource.FACEBOOK,
    BookingSource.STAFF,
    BookingSource.WEB,
)
SINCE, UNTIL = T0, T0 + timedelta(days=1)  # the creation window the tests ask about


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


async def store(uow_factory: UnitOfWorkFactory, *items: Booking) -> None:
    async with uow_factory(write=True) as uow:
        for item in items:
            await uow.bookings.add(item)
        await uow.commit()


def made(
    world: World, created_min: int, start_hour: int, staff: int = 0, **changes: Any
) -> Booking:
    """A booking created `created_min` minutes after T0 that starts `start_hour` hours after
    T0 + 2 days (one hour long, so distinct hours never overlap)."""
    return world.booking(
        at(2 * 24 * 60 + start_hour * 60),
        staff=staff,
        created_at=at(created_min),
        **changes,
    )


async def test_created_by_source_counts_every_status_inside_the_window(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    await store(
        uow_factory,
        made(world, 0, 0, source=IG),  # on `since`: in
        made(world, 60, 1, source=IG, status=BookingStatus.CANCELLED),
        made(world, 120, 2, source=STAFF, status=BookingStatus.NO_SHOW),
        made(world, 24 * 60, 3, source=FB),  # on `until`: out
        made(world, -1, 4, source=WEB),  # before: out
    )
    other = await add_salon(uow_factory)
    async with uow_factory() as uow:
        assert dict(await uow.booking_stats.created_by_source(world.salon.id, SINCE, UNTIL)) == {
            IG: 2,
            STAFF: 1,
        }
        assert await uow.booking_stats.created_by_source(other.id, SINCE, UNTIL) == {}
        ist_since = SINCE.astimezone(IST)  # any offset means the same instant
        assert (
            sum(
                (
                    await uow.booking_stats.created_by_source(world.salon.id, ist_since, UNTIL)
                ).values()
            )
            == 3
        )


async def test_created_gives_times_in_creation_order(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    late = made(world, 90, 5, source=FB, status=BookingStatus.COMPLETED)
    early = made(world, 30, 1, staff=1, source=IG)
    await store(uow_factory, late, early, made(world, 24 * 60 + 5, 7))
    async with uow_factory() as uow:
        found = list(await uow.booking_stats.created(world.salon.id, SINCE, UNTIL))
    assert found == [
        BookingTimes(IG, BookingStatus.CONFIRMED, early.created_at, early.start),
        BookingTimes(FB, BookingStatus.COMPLETED, late.created_at, late.start),
    ]
    assert all(t.created_at.utcoffset() == timedelta(0) for t in found)


async def test_popular_services_counts_the_asked_sources_most_first_ties_by_name(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    beard = make_service(world.salon.id, name="Beard")
    zebra = make_service(world.salon.id, name="Zebra stripes")
    unused = make_service(world.salon.id, name="Aardvark")
    async with uow_factory(write=True) as uow:
        for s in (beard, zebra, unused):
            await uow.catalog.add_service(s)
        await uow.commit()
    cut = world.service
    await store(
        uow_factory,
        made(world, 1, 0, source=IG),
        made(world, 2, 1, source=FB),
        made(world, 3, 2, source=IG, status=BookingStatus.CANCELLED),
        made(world, 4, 3, source=FB, service_id=zebra.id),
        made(world, 5, 4, source=IG, service_id=zebra.id),
        made(world, 6, 5, source=FB, service_id=beard.id),
        made(world, 7, 6, source=IG, service_id=beard.id),
        made(world, 8, 7, source=STAFF, service_id=beard.id),  # not an asked source
        made(world, 9, 8, source=STAFF, service_id=unused.id),
        made(world, 24 * 60, 9, source=IG, service_id=unused.id),  # outside the window
    )
    async with uow_factory() as uow:
        stats = uow.booking_stats
        found = await stats.popular_services(world.salon.id, SINCE, UNTIL, (IG, FB), 10)
        assert list(found) == [
            ServiceBookings(cut.id, cut.name, 3),
            ServiceBookings(beard.id, "Beard", 2),
            ServiceBookings(zebra.id, "Zebra stripes", 2),
        ]
        top = await stats.popular_services(world.salon.id, SINCE, UNTIL, (IG, FB), 2)
        assert [s.service_id for s in top] == [cut.id, beard.id]
        only_fb = await stats.popular_services(world.salon.id, SINCE, UNTIL, (FB,), 10)
        assert [(s.name, s.bookings) for s in only_fb] == [
            ("Beard", 1),
            (cut.name, 1),
            ("Zebra stripes", 1),
        ]
        assert await stats.popular_services(world.salon.id, SINCE, UNTIL, (), 10) == []


async def test_statuses_by_start_counts_bookings_starting_in_the_window(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    start_window = (at(2 * 24 * 60), at(2 * 24 * 60 + 5 * 60))
    await store(
        uow_factory,
        made(world, -500, 0),  # created long before: starts count by start only
        made(world, 1, 1, status=BookingStatus.CANCELLED),
        made(world, 2, 2, status=BookingStatus.NO_SHOW),
        made(world, 3, 3, status=BookingStatus.NO_SHOW),
        made(world, 4, 4, status=BookingStatus.COMPLETED),
        made(world, 5, 5),  # starts on the window's end: out
    )
    async with uow_factory() as uow:
        found = await uow.booking_stats.statuses_by_start(world.salon.id, *start_window)
    assert dict(found) == {
        BookingStatus.CONFIRMED: 1,
        BookingStatus.CANCELLED: 1,
        BookingStatus.NO_SHOW: 2,
        BookingStatus.COMPLETED: 1,
    }
