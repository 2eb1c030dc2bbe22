"""Contract: ScheduleRepository — weekly hours in the given order, time off as intervals."""

from __future__ import annotations

from datetime import time

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.intervals import Interval
from domain.schedule import TimeOff, WeeklyInterval

from .builders import IST, NEW_YORK_WINTER, World, at, new_id, seed


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


def time_off(staff_id: str, start: int, end: int, reason: str | None = None) -> TimeOff:
    return TimeOff(id=new_id(), staff_id=staff_id, start=at(start), end=at(end), reason=reason)


async def test_set_weekly_keeps_the_given_order(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha, bela = world.staff[0].id, world.staff[1].id
    week = [
        WeeklyInterval(weekday=2, start=time(14, 0), end=time(18, 30)),
        WeeklyInterval(weekday=0, start=time(10, 0), end=time(13, 0)),
        WeeklyInterval(weekday=2, start=time(9, 15), end=time(12, 45)),
        WeeklyInterval(weekday=6, start=time(0, 0), end=time(23, 59, 59)),
    ]
    async with uow_factory(write=True) as uow:
        await uow.schedules.set_weekly(asha, week)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.schedules.weekly([asha, bela])
    assert set(found) == {asha, bela}
    assert list(found[asha]) == week
    assert list(found[bela]) == []


async def test_set_weekly_replaces_the_whole_week(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha = world.staff[0].id
    first = [WeeklyInterval(weekday=d, start=time(9), end=time(17)) for d in range(5)]
    second = [WeeklyInterval(weekday=5, start=time(10), end=time(14))]
    async with uow_factory(write=True) as uow:
        await uow.schedules.set_weekly(asha, first)
        await uow.schedules.set_weekly(asha, second)
        await uow.commit()
    async with uow_factory() as uow:
        assert list((await uow.schedules.weekly([asha]))[asha]) == second
    async with uow_factory(write=True) as uow:
        await uow.schedules.set_weekly(asha, [])
        await uow.commit()
    async with uow_factory() as uow:
        assert dict(await uow.schedules.weekly([asha])) == {asha: []}
        assert dict(await uow.schedules.weekly([])) == {}


async def test_time_off_round_trip_sorted_by_start(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha, bela = world.staff[0].id, world.staff[1].id
    late = time_off(asha, 600, 900, "Dentist")
    early = TimeOff(
        id=new_id(),
        staff_id=asha,
        start=at(0).astimezone(IST),
        end=at(60).astimezone(NEW_YORK_WINTER),
        reason=None,
    )
    theirs = time_off(bela, 0, 60)
    async with uow_factory(write=True) as uow:
        await uow.schedules.add_time_off(late)
        await uow.schedules.add_time_off(theirs)
        await uow.schedules.add_time_off(early)
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.schedules.time_off(asha)) == [early, late]
        assert list(await uow.schedules.time_off(bela)) == [theirs]
        assert list(await uow.schedules.time_off(new_id())) == []


async def test_delete_time_off_checks_the_staff_member(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha, bela = world.staff[0].id, world.staff[1].id
    item = time_off(asha, 0, 60)
    async with uow_factory(write=True) as uow:
        await uow.schedules.add_time_off(item)
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert not await uow.schedules.delete_time_off(bela, item.id)
        assert not await uow.schedules.delete_time_off(asha, new_id())
        assert await uow.schedules.delete_time_off(asha, item.id)
        assert not await uow.schedules.delete_time_off(asha, item.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.schedules.time_off(asha)) == []


async def test_time_off_between_is_half_open_and_per_staff(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha, bela = world.staff[0].id, world.staff[1].id
    items = [
        time_off(asha, -120, 0),  # touches the window's start: out
        time_off(asha, -30, 30),  # overlaps the start
        time_off(asha, 100, 200),  # inside
        time_off(asha, 240, 300),  # touches the window's end: out
        time_off(bela, 0, 240),  # exactly the window
    ]
    async with uow_factory(write=True) as uow:
        for item in items:
            await uow.schedules.add_time_off(item)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.schedules.time_off_between([asha, bela, "nobody"], at(0), at(240))
    assert set(found) == {asha, bela, "nobody"}
    assert sorted(found[asha], key=lambda i: i.start) == [
        Interval(at(-30), at(30)),
        Interval(at(100), at(200)),
    ]
    assert list(found[bela]) == [Interval(at(0), at(240))]
    assert list(found["nobody"]) == []
