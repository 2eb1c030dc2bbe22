"""Business metrics count committed outcomes only, through the real use cases."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.clock import FixedClock
from adapters.outbound.memory.metrics import InMemoryMetrics
from adapters.outbound.memory.unit_of_work import InMemoryUnitOfWork
from application.actor import Actor
from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from domain.booking import BookingSource, BookingStatus
from domain.errors import (
    CancellationWindowPassed,
    Conflict,
    NotFound,
    SlotUnavailable,
    VerificationRequired,
)
from domain.schedule import WeeklyInterval
from entrypoints.bootstrap import MEMORY_URL, bootstrap
from entrypoints.settings import Settings

from .conftest import World

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=IST)


def ask(
    w: World,
    start: datetime,
    *,
    staff: str | None = None,
    phone: str = "9876543210",
    source: BookingSource = BookingSource.INSTAGRAM,
) -> BookRequest:
    return BookRequest(
        salon_id=w.salon_id,
        service_id=w.cut,
        staff_id=staff,
        start=start,
        customer=CustomerDetails("Riya", phone),
        source=source,
    )


def counts(m: InMemoryMetrics) -> dict[tuple[str, str], int]:
    return {key: n for key, n in m.counts.items() if n}


async def test_created_and_conflicted_are_counted_by_source(world: World) -> None:
    await world.uc.book(ask(world, at(2, 11), staff=world.asha))
    await world.uc.book(ask(world, at(2, 11), phone="9876543211", source=BookingSource.FACEBOOK))
    with pytest.raises(SlotUnavailable):
        await world.uc.book(ask(world, at(2, 11), phone="9876543212"))
    assert counts(world.metrics) == {
        ("booking_created", "instagram"): 1,
        ("booking_created", "facebook"): 1,
        ("booking_conflicted", "instagram"): 1,
    }


async def test_refused_bookings_count_nothing_but_their_conflict(world: World) -> None:
    await world.uc.salons.update(world.actor, world.salon_id, policy={"verify_new_customers": True})
    with pytest.raises(VerificationRequired):  # the transaction is rolled back
        await world.uc.book(ask(world, at(2, 11), phone="9000000001"))
    await world.uc.salons.update(
        world.actor, world.salon_id, policy={"verify_new_customers": False}
    )
    with pytest.raises(SlotUnavailable):  # off the grid
        await world.uc.book(ask(world, at(2, 11, 7), phone="9000000001"))
    assert counts(world.metrics) == {("booking_conflicted", "instagram"): 1}


async def test_an_idempotent_replay_is_counted_as_a_replay_not_a_booking(world: World) -> None:
    first = await world.uc.book(ask(world, at(2, 11)), idempotency_key="k-1")
    again = await world.uc.book(ask(world, at(2, 11)), idempotency_key="k-1")
    assert again.view.booking.id == first.view.booking.id
    assert counts(world.metrics) == {
        ("booking_created", "instagram"): 1,
        ("idempotent_replay", ""): 1,
    }


async def test_cancellations_by_customer_and_owner_count_once(world: World) -> None:
    mine = await world.uc.book(ask(world, at(3, 11), source=BookingSource.STORY))
    theirs = await world.uc.book(ask(world, at(3, 14), phone="9876543211"))
    await world.uc.manage_booking.cancel(mine.manage_token)
    with pytest.raises(Conflict):  # already cancelled: nothing changes
        await world.uc.manage_booking.cancel(mine.manage_token)
    bid = theirs.view.booking.id
    for _ in range(2):  # the same status again is a no-op
        await world.uc.salon_bookings.change_status(
            world.actor, world.salon_id, bid, BookingStatus.CANCELLED
        )
    soon = await world.uc.book(ask(world, at(30, 16), phone="9876543212"))
    world.clock.advance(timedelta(days=30, hours=3))  # inside the 24 h window now
    with pytest.raises(CancellationWindowPassed):
        await world.uc.manage_booking.cancel(soon.manage_token)
    cancelled = {k: n for k, n in counts(world.metrics).items() if k[0] == "booking_cancelled"}
    assert cancelled == {("booking_cancelled", "story"): 1, ("booking_cancelled", "instagram"): 1}


async def test_reschedule_and_staff_booking_conflicts_are_counted(world: World) -> None:
    made = await world.uc.book(ask(world, at(3, 11), staff=world.asha))
    await world.uc.book(ask(world, at(3, 15), staff=world.asha, phone="9876543211"))
    with pytest.raises(SlotUnavailable):
        await world.uc.manage_booking.reschedule(made.manage_token, at(3, 15), world.asha)
    walk_in = CustomerDetails("Walk In", "9876500000")
    await world.uc.salon_bookings.create(
        world.actor,
        world.salon_id,
        service_id=world.cut,
        staff_id=world.ben,
        start=at(3, 11),
        customer=walk_in,
    )
    with pytest.raises(SlotUnavailable):
        await world.uc.salon_bookings.create(
            world.actor,
            world.salon_id,
            service_id=world.cut,
            staff_id=world.ben,
            start=at(3, 11, 30),
            customer=walk_in,
        )
    assert counts(world.metrics) == {
        ("booking_created", "instagram"): 2,
        ("booking_conflicted", "instagram"): 1,
        ("booking_created", "staff"): 1,
        ("booking_conflicted", "staff"): 1,
    }


async def test_availability_computation_is_timed_once_per_query(world: World) -> None:
    await world.uc.browse.availability(world.salon_id, world.cut, at(2, 0).date(), 7)
    with pytest.raises(NotFound):
        await world.uc.browse.availability(world.salon_id, world.salon_id, at(2, 0).date())
    assert len(world.metrics.availability_seconds) == 1
    assert 0 < world.metrics.availability_seconds[0] < 5


class FailingCommits(InMemoryUnitOfWorkFactory):
    """Write units whose commit fails (the database went away) while `broken` is set."""

    broken = False

    def __call__(self, *, write: bool = False) -> InMemoryUnitOfWork:
        unit = super().__call__(write=write)
        if write and self.broken:

            async def commit() -> None:
                raise ConnectionError("the database went away")

            unit.commit = commit  # type: ignore[method-assign]
        return unit


async def test_a_booking_whose_commit_fails_is_not_counted() -> None:
    uow, metrics = FailingCommits(), InMemoryMetrics()
    clock = FixedClock(datetime(2026, 11, 30, 4, 30, tzinfo=UTC))
    uc = bootstrap(
        Settings(database_url=MEMORY_URL, secret_key=b"k" * 32),
        uow=uow,
        clock=clock,
        metrics=metrics,
    ).use_cases
    made = await uc.sign_up(
        email="o@example.com", password="correct horse", salon_name="Glow", timezone="Asia/Kolkata"
    )
    actor = Actor(made.owner_id)
    await uc.salons.update(actor, made.salon_id, policy={"verify_new_customers": False})
    cut = await uc.services.create(
        actor, made.salon_id, name="Cut", duration_minutes=60, price_minor=1, currency="INR"
    )
    asha = await uc.staff.create(actor, made.salon_id, name="Asha", service_ids=[cut.id])
    week = [WeeklyInterval(d, time(10), time(18)) for d in range(7)]
    await uc.staff.set_hours(actor, made.salon_id, asha.id, week)
    booking = BookRequest(
        salon_id=made.salon_id,
        service_id=cut.id,
        staff_id=None,
        start=at(2, 11),
        customer=CustomerDetails("Riya", "9876543210"),
        source=BookingSource.WEB,
    )
    uow.broken = True
    with pytest.raises(ConnectionError):
        await uc.book(booking)
    uow.broken = False
    assert counts(metrics) == {}
    receipt = await uc.book(booking)  # nothing was stored: the slot is still free
    uow.broken = True
    with pytest.raises(ConnectionError):
        await uc.manage_booking.cancel(receipt.manage_token)
    with pytest.raises(ConnectionError):
        await uc.salon_bookings.change_status(
            actor, made.salon_id, receipt.view.booking.id, BookingStatus.CANCELLED
        )
    assert counts(metrics) == {("booking_created", "web"): 1}
