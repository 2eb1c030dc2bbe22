"""Contract: racing writers never double-book a staff member.

Each racer reads the staff member's calendar first (it looks free to all of them), waits a
moment so the others catch up, then adds its booking: only the store can stop the overlap.
"""

from __future__ import annotations

import asyncio
import itertools

from adapters.outbound.persistence import Database
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.booking import Booking
from domain.errors import SlotUnavailable

from .builders import World, at, seed

RACERS = 30


async def race(factories: list[UnitOfWorkFactory], world: World) -> list[bool]:
    async def attempt(index: int) -> bool:
        booking = world.booking(at(index), 60)  # every pair of these overlaps
        factory = factories[index % len(factories)]
        try:
            async with factory(write=True) as uow:
                await uow.bookings.occupied([booking.staff_id], at(-60), at(120))
                await asyncio.sleep(0.01)
                await uow.bookings.add(booking)
                await uow.commit()
        except SlotUnavailable:
            return False
        return True

    return list(await asyncio.gather(*(attempt(i) for i in range(RACERS))))


async def active_bookings(factory: UnitOfWorkFactory, world: World) -> list[Booking]:
    async with factory() as uow:
        return [b for b in await uow.bookings.search(world.salon.id) if b.active]


async def test_one_of_many_racers_wins_on_one_factory(uow_factory: UnitOfWorkFactory) -> None:
    world = await seed(uow_factory)
    results = await race([uow_factory], world)
    assert results.count(True) == 1
    assert len(await active_bookings(uow_factory, world)) == 1


async def test_one_of_many_racers_wins_on_separate_connections(sql_url: str) -> None:
    if sql_url.startswith("sqlite"):
        # A database handle each: 30 writer connections fighting over SQLite's file lock.
        databases = [Database.connect(sql_url) for _ in range(RACERS)]
    else:
        databases = [Database.connect(sql_url, pool_size=RACERS, max_overflow=0)]
    try:
        factories: list[UnitOfWorkFactory] = [db.uow_factory() for db in databases]
        world = await seed(factories[0])
        results = await race(factories, world)
        assert results.count(True) == 1
        assert results.count(False) == RACERS - 1
        assert len(await active_bookings(factories[0], world)) == 1
    finally:
        await asyncio.gather(*(db.dispose() for db in databases))


async def test_racers_over_a_chain_of_overlaps_never_double_book(sql_url: str) -> None:
    """Starts every 15 minutes, 75 minutes occupied: neighbours overlap, others do not.

    On PostgreSQL, racing inserts checking the exclusion constraint against each other's
    uncommitted rows deadlock unless the adapter orders them; every racer must get a clean
    answer (booked or SlotUnavailable), never a database error. There a barrier lines the
    racers up inside their transactions (on SQLite only one write unit is open at a time).
    """
    postgres = sql_url.startswith("postgresql")
    database = Database.connect(sql_url, pool_size=RACERS if postgres else 10, max_overflow=0)
    try:
        factory = database.uow_factory()
        for _ in range(3):
            world = await seed(factory)
            barrier = asyncio.Barrier(RACERS)

            async def attempt(index: int, world: World, barrier: asyncio.Barrier) -> bool:
                booking = world.booking(at(15 * (index % 12)), 60, buffer=15)
                try:
                    async with factory(write=True) as uow:
                        await uow.customers.get_or_add(world.customer)
                        if postgres:
                            await barrier.wait()
                        await uow.bookings.add(booking)
                        await uow.commit()
                except SlotUnavailable:
                    return False
                return True

            results = await asyncio.gather(*(attempt(i, world, barrier) for i in range(RACERS)))
            assert any(results)
            active = sorted(await active_bookings(factory, world), key=lambda b: b.start)
            assert len(active) == results.count(True)
            for earlier, later in itertools.pairwise(active):
                assert earlier.occupied_until <= later.start
    finally:
        await database.dispose()


async def test_racers_for_different_staff_all_win(uow_factory: UnitOfWorkFactory) -> None:
    world = await seed(uow_factory)
    staff_count = len(world.staff)

    async def attempt(index: int) -> None:
        async with uow_factory(write=True) as uow:
            await uow.bookings.add(world.booking(at(0), 60, staff=index))
            await uow.commit()

    await asyncio.gather(*(attempt(i) for i in range(staff_count)))
    assert len(await active_bookings(uow_factory, world)) == staff_count
