"""Contract: BookingRepository — round trips, the no-overlap rule, and the read queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.booking import Booking, BookingSource, BookingStatus
from domain.errors import Conflict, SlotUnavailable
from domain.intervals import Interval

from .builders import IST, NEW_YORK_WINTER, World, at, make_customer, seed


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


async def add(uow_factory: UnitOfWorkFactory, *bookings: Booking) -> None:
    async with uow_factory(write=True) as uow:
        for booking in bookings:
            await uow.bookings.add(booking)
        await uow.commit()


async def update(uow_factory: UnitOfWorkFactory, booking: Booking) -> None:
    async with uow_factory(write=True) as uow:
        await uow.bookings.update(booking)
        await uow.commit()


async def stored(uow_factory: UnitOfWorkFactory, booking_id: str) -> Booking | None:
    async with uow_factory() as uow:
        return await uow.bookings.get(booking_id)


async def test_add_get_round_trip_keeps_every_field(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    booking = world.booking(
        at(0).astimezone(IST),
        45,
        buffer=15,
        status=BookingStatus.PENDING,
        source=BookingSource.MESSENGER,
        created_at=at(-600).astimezone(NEW_YORK_WINTER),
    )
    await add(uow_factory, booking)

    got = await stored(uow_factory, booking.id)
    assert got == booking
    assert got is not None
    for instant in (got.start, got.end, got.occupied_until, got.created_at):
        assert instant.utcoffset() is not None  # aware


async def test_get_unknown_is_none(uow_factory: UnitOfWorkFactory, world: World) -> None:
    async with uow_factory() as uow:
        assert await uow.bookings.get("00000000-0000-0000-0000-000000000000") is None
        assert await uow.bookings.get_by_manage_token_hash("nope") is None


async def test_get_by_manage_token_hash(uow_factory: UnitOfWorkFactory, world: World) -> None:
    first, second = world.booking(at(0)), world.booking(at(120))
    await add(uow_factory, first, second)
    async with uow_factory() as uow:
        assert await uow.bookings.get_by_manage_token_hash(second.manage_token_hash) == second


async def test_update_round_trip(uow_factory: UnitOfWorkFactory, world: World) -> None:
    booking = world.booking(at(0))
    await add(uow_factory, booking)
    moved = booking.moved(
        at(300).astimezone(IST), world.staff[1].id, timedelta(minutes=30), timedelta(minutes=10)
    )
    moved = replace(moved, status=BookingStatus.PENDING)
    async with uow_factory(write=True) as uow:
        await uow.bookings.update(moved)
        await uow.commit()
    assert await stored(uow_factory, booking.id) == moved


# --- the no-overlap rule ---


async def test_overlapping_booking_of_the_same_staff_is_refused(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    await add(uow_factory, world.booking(at(0), 60))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(30), 60))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(-30), 31))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(10), 10))  # inside
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(-10), 90))  # around


async def test_overlap_is_checked_in_other_offsets(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    await add(uow_factory, world.booking(at(0).astimezone(IST), 60))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(59).astimezone(NEW_YORK_WINTER), 60))


async def test_touching_bookings_do_not_overlap(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    middle = world.booking(at(60), 60)
    before = world.booking(at(0), 60)
    after = world.booking(at(120).astimezone(IST), 60)
    await add(uow_factory, middle)
    await add(uow_factory, before, after)
    async with uow_factory() as uow:
        found = await uow.bookings.search(world.salon.id)
    assert [b.id for b in found] == [before.id, middle.id, after.id]


async def test_the_buffer_after_is_occupied(uow_factory: UnitOfWorkFactory, world: World) -> None:
    await add(uow_factory, world.booking(at(0), 60, buffer=15))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(70), 30))
    await add(uow_factory, world.booking(at(75), 30))


async def test_other_staff_members_are_independent(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    await add(uow_factory, world.booking(at(0), 60, staff=0))
    await add(uow_factory, world.booking(at(0), 60, staff=1))


@pytest.mark.parametrize(
    "status", [BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]
)
async def test_inactive_bookings_do_not_occupy(
    uow_factory: UnitOfWorkFactory, world: World, status: BookingStatus
) -> None:
    await add(uow_factory, world.booking(at(0), 60, status=status))
    await add(uow_factory, world.booking(at(0), 60, status=status))  # inactive over inactive
    await add(uow_factory, world.booking(at(0), 60))  # active over inactive


async def test_pending_bookings_occupy(uow_factory: UnitOfWorkFactory, world: World) -> None:
    await add(uow_factory, world.booking(at(0), 60, status=BookingStatus.PENDING))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(30), 60, status=BookingStatus.PENDING))
    with pytest.raises(SlotUnavailable):
        await add(uow_factory, world.booking(at(30), 60, status=BookingStatus.CONFIRMED))


async def test_cancelling_frees_the_slot(uow_factory: UnitOfWorkFactory, world: World) -> None:
    booking = world.booking(at(0), 60)
    await add(uow_factory, booking)
    async with uow_factory(write=True) as uow:
        await uow.bookings.update(booking.with_status(BookingStatus.CANCELLED))
        await uow.bookings.add(world.booking(at(0), 60))
        await uow.commit()


async def test_moving_onto_another_booking_is_refused(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    first, second = world.booking(at(0), 60), world.booking(at(120), 60)
    await add(uow_factory, first, second)
    onto_second = replace(first, start=at(150), end=at(210), occupied_until=at(210))
    with pytest.raises(SlotUnavailable):
        await update(uow_factory, onto_second)
    assert await stored(uow_factory, first.id) == first


async def test_moving_onto_another_staff_members_booking_is_refused(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    mine, theirs = world.booking(at(0), 60, staff=0), world.booking(at(0), 60, staff=1)
    await add(uow_factory, mine, theirs)
    with pytest.raises(SlotUnavailable):
        async with uow_factory(write=True) as uow:
            await uow.bookings.update(replace(mine, staff_id=theirs.staff_id))


async def test_reactivating_onto_a_taken_slot_is_refused(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    cancelled = world.booking(at(0), 60, status=BookingStatus.CANCELLED)
    await add(uow_factory, cancelled, world.booking(at(0), 60))
    with pytest.raises(SlotUnavailable):
        async with uow_factory(write=True) as uow:
            await uow.bookings.update(replace(cancelled, status=BookingStatus.CONFIRMED))


async def test_moving_over_its_own_old_interval_is_fine(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    booking = world.booking(at(0), 60)
    await add(uow_factory, booking, world.booking(at(120), 60))
    later = replace(booking, start=at(30), end=at(90), occupied_until=at(120))
    async with uow_factory(write=True) as uow:
        await uow.bookings.update(later)
        await uow.bookings.update(replace(later, status=BookingStatus.PENDING))
        await uow.commit()
    assert await stored(uow_factory, booking.id) == replace(later, status=BookingStatus.PENDING)


async def test_the_unit_stays_usable_after_slot_unavailable(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    taken = world.booking(at(0), 60)
    await add(uow_factory, taken)
    earlier_work = world.booking(at(-120), 60)
    refused = world.booking(at(30), 60)
    afterwards = world.booking(at(60), 60)
    async with uow_factory(write=True) as uow:
        await uow.bookings.add(earlier_work)
        with pytest.raises(SlotUnavailable):
            await uow.bookings.add(refused)
        with pytest.raises(SlotUnavailable):
            await uow.bookings.update(
                replace(earlier_work, start=at(-30), end=at(30), occupied_until=at(30))
            )
        assert await uow.bookings.get(refused.id) is None
        await uow.bookings.add(afterwards)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.bookings.search(world.salon.id)
    assert found == [earlier_work, taken, afterwards]


async def test_rollback_leaves_no_booking(uow_factory: UnitOfWorkFactory, world: World) -> None:
    booking = world.booking(at(0))
    async with uow_factory(write=True) as uow:
        await uow.bookings.add(booking)
    assert await stored(uow_factory, booking.id) is None
    await add(uow_factory, world.booking(at(0)))  # and the slot is free


# --- read queries ---


async def test_occupied_lists_active_intervals_overlapping_the_window(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha, bela = world.staff[0].id, world.staff[1].id
    a1 = world.booking(at(0), 60, buffer=15)  # occupies [0, 75)
    a2 = world.booking(at(200), 30)  # [200, 230)
    a_cancelled = world.booking(at(100), 30, status=BookingStatus.CANCELLED)
    a_pending = world.booking(at(120), 30, status=BookingStatus.PENDING)  # [120, 150)
    b1 = world.booking(at(60), 60, staff=1)  # [60, 120)
    await add(uow_factory, a2, a1, a_cancelled, a_pending, b1)

    async with uow_factory() as uow:
        everything = await uow.bookings.occupied([asha, bela], at(-60), at(300))
        window = await uow.bookings.occupied([asha, bela], at(75), at(200))  # half-open
        without_a_pending = await uow.bookings.occupied([asha], at(0), at(300), a_pending.id)
        only_bela = await uow.bookings.occupied([bela, "unknown-staff"], at(0), at(300))

    def intervals(found: Mapping[str, Sequence[Interval]], staff_id: str) -> list[Interval]:
        return sorted(found[staff_id], key=lambda i: i.start)  # the port promises no order

    assert intervals(everything, asha) == [a1.occupied, a_pending.occupied, a2.occupied]
    assert intervals(everything, bela) == [b1.occupied]
    assert intervals(window, asha) == [a_pending.occupied]
    assert intervals(window, bela) == [b1.occupied]
    assert intervals(without_a_pending, asha) == [a1.occupied, a2.occupied]
    assert set(only_bela) == {bela, "unknown-staff"}
    assert list(only_bela["unknown-staff"]) == []


async def test_active_counts_count_active_starts_in_the_window(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    asha, bela = world.staff[0].id, world.staff[1].id
    await add(
        uow_factory,
        world.booking(at(-30), 60),  # starts before the window
        world.booking(at(60), 30),
        world.booking(at(120), 30, status=BookingStatus.PENDING),
        world.booking(at(150), 30, status=BookingStatus.CANCELLED),
        world.booking(at(240), 30),  # starts at the window's end: excluded
        world.booking(at(0), 30, staff=1),
    )
    async with uow_factory() as uow:
        counts = await uow.bookings.active_counts([asha, bela, "nobody"], at(0), at(240))
    assert dict(counts) == {asha: 2, bela: 1, "nobody": 0}


async def test_customer_has_booking(uow_factory: UnitOfWorkFactory, world: World) -> None:
    other = make_customer(world.salon.id, phone="+919800000001")
    async with uow_factory(write=True) as uow:
        await uow.customers.get_or_add(other)
        assert not await uow.bookings.customer_has_booking(other.id)
        await uow.bookings.add(
            world.booking(at(0), customer_id=other.id, status=BookingStatus.CANCELLED)
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.bookings.customer_has_booking(other.id)
        assert not await uow.bookings.customer_has_booking(world.customer.id)


async def test_search_filters_and_orders(uow_factory: UnitOfWorkFactory, world: World) -> None:
    b0 = world.booking(at(0), source=BookingSource.WEB)
    b0_other_staff = world.booking(at(0), staff=1, source=BookingSource.STAFF)
    b1 = world.booking(at(60), status=BookingStatus.CANCELLED)
    b2 = world.booking(at(120).astimezone(IST), source=BookingSource.WEB)
    await add(uow_factory, b2, b1, b0_other_staff, b0)
    same_start = sorted([b0, b0_other_staff], key=lambda b: b.id)

    async with uow_factory() as uow:
        search = uow.bookings.search
        assert list(await search(world.salon.id)) == [*same_start, b1, b2]
        assert list(await search(world.salon.id, start_from=at(60))) == [b1, b2]
        assert list(await search(world.salon.id, start_to=at(60))) == same_start
        assert list(
            await search(world.salon.id, start_from=at(0).astimezone(IST), start_to=at(121))
        ) == [*same_start, b1, b2]
        assert list(await search(world.salon.id, source=BookingSource.WEB)) == [b0, b2]
        assert list(await search(world.salon.id, status=BookingStatus.CANCELLED)) == [b1]
        assert (
            list(
                await search(
                    world.salon.id, source=BookingSource.WEB, status=BookingStatus.CANCELLED
                )
            )
            == []
        )
        assert list(await search("another-salon")) == []


# --- Meta-native appointments, reminders, a customer's bookings ---


async def test_external_ref_round_trip_and_lookup(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    meta = world.booking(at(0), source=BookingSource.FACEBOOK, external_ref="appt-123")
    plain = world.booking(at(120))
    await add(uow_factory, meta, plain)
    assert await stored(uow_factory, meta.id) == meta
    assert await stored(uow_factory, plain.id) == plain
    async with uow_factory() as uow:
        assert await uow.bookings.get_by_external_ref(world.salon.id, "appt-123") == meta
        assert await uow.bookings.get_by_external_ref(world.salon.id, "appt-999") is None
        assert await uow.bookings.get_by_external_ref("another-salon", "appt-123") is None
    moved = replace(meta, external_ref="appt-456")
    await update(uow_factory, moved)
    async with uow_factory() as uow:
        assert await uow.bookings.get_by_external_ref(world.salon.id, "appt-123") is None
        assert await uow.bookings.get_by_external_ref(world.salon.id, "appt-456") == moved


async def test_external_ref_is_unique_per_salon(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    first = world.booking(at(0), external_ref="appt-1")
    await add(uow_factory, first, world.booking(at(60)), world.booking(at(120)))  # NULLs: many
    async with uow_factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.bookings.add(world.booking(at(240), external_ref="appt-1"))
        later = world.booking(at(300))
        await uow.bookings.add(later)  # the unit stays usable
        with pytest.raises(Conflict):
            await uow.bookings.update(replace(later, external_ref="appt-1"))
        await uow.commit()
    assert await stored(uow_factory, later.id) == later
    # Another salon may hold the same appointment id.
    other = await seed(uow_factory)
    theirs = other.booking(at(0), external_ref="appt-1")
    await add(uow_factory, theirs)
    async with uow_factory() as uow:
        assert await uow.bookings.get_by_external_ref(other.salon.id, "appt-1") == theirs
        assert await uow.bookings.get_by_external_ref(world.salon.id, "appt-1") == first


async def test_active_starting_between_spans_every_salon(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    other = await seed(uow_factory)
    before = world.booking(at(-30))
    start_edge = world.booking(at(60), staff=1)
    pending = world.booking(at(120), status=BookingStatus.PENDING)
    cancelled = world.booking(at(180), status=BookingStatus.CANCELLED)
    completed = world.booking(at(180), staff=1, status=BookingStatus.COMPLETED)
    theirs = other.booking(at(120).astimezone(IST))
    end_edge = world.booking(at(240))
    await add(uow_factory, end_edge, cancelled, completed, pending, before, start_edge)
    await add(uow_factory, theirs)
    same_start = sorted([pending, theirs], key=lambda b: b.id)
    async with uow_factory() as uow:
        found = await uow.bookings.active_starting_between(at(60), at(240))
        assert list(found) == [start_edge, *same_start]
        assert list(
            await uow.bookings.active_starting_between(at(-60), at(241).astimezone(IST))
        ) == [before, start_edge, *same_start, end_edge]
        assert list(await uow.bookings.active_starting_between(at(500), at(600))) == []


async def test_for_customer_lists_every_booking_by_start(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    other = make_customer(world.salon.id, phone="+919800000001")
    async with uow_factory(write=True) as uow:
        await uow.customers.get_or_add(other)
        await uow.commit()
    late = world.booking(at(300))
    early = world.booking(at(0), status=BookingStatus.CANCELLED)
    same = world.booking(at(0), staff=1, status=BookingStatus.COMPLETED)
    theirs = world.booking(at(120), customer_id=other.id)
    await add(uow_factory, late, early, same, theirs)
    async with uow_factory() as uow:
        assert list(await uow.bookings.for_customer(world.customer.id)) == [
            *sorted([early, same], key=lambda b: b.id),
            late,
        ]
        assert list(await uow.bookings.for_customer(other.id)) == [theirs]
        assert list(await uow.bookings.for_customer("nobody")) == []
