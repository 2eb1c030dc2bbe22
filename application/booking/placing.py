"""Placing a booking on one of several candidate staff members, racing safely."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from application.ports.unit_of_work import UnitOfWork
from domain.availability import local_midnight
from domain.booking import Booking
from domain.errors import SlotUnavailable
from domain.salon import Salon


async def by_fewest_bookings(
    uow: UnitOfWork, salon: Salon, staff_ids: Sequence[str], start: datetime
) -> list[str]:
    """Staff with the fewest active bookings on start's local date first, ties by id."""
    zone = salon.zone
    day = start.astimezone(zone).date()
    day_start, day_end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    counts = await uow.bookings.active_counts(staff_ids, day_start, day_end)
    return sorted(staff_ids, key=lambda sid: (counts.get(sid, 0), sid))


async def place(
    uow: UnitOfWork,
    staff_ids: Sequence[str],
    make: Callable[[str], Booking],
    *,
    update: bool = False,
) -> Booking | None:
    """Write the booking for the first staff member the store accepts; None if all lost."""
    for staff_id in staff_ids:
        booking = make(staff_id)
        try:
            if update:
                await uow.bookings.update(booking)
            else:
                await uow.bookings.add(booking)
        except SlotUnavailable:
            continue
        return booking
    return None


async def move(
    uow: UnitOfWork,
    booking: Booking,
    free: Sequence[str],
    start: datetime,
    duration: timedelta,
    buffer_after: timedelta,
) -> Booking | None:
    """Move the booking to `start`: its staff member keeps it when free, else anyone free
    (by id). None when the store refused every one (a racing write won)."""
    ordered = sorted(free, key=lambda sid: (sid != booking.staff_id, sid))
    return await place(
        uow,
        ordered,
        lambda sid: booking.moved(start, sid, duration, buffer_after),
        update=True,
    )
