"""Loading what the availability engine needs for a salon, service and staff list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from application.ports.unit_of_work import UnitOfWork
from domain.availability import (
    Slot,
    SlotQuery,
    StaffCalendar,
    compute_slots,
    local_midnight,
    nearest,
)
from domain.catalog import Service, Staff
from domain.salon import Salon

ALTERNATIVES_SEARCH_DAYS = 7
MAX_ALTERNATIVES = 5


@dataclass(frozen=True, slots=True)
class Occupancy:
    """How long a booking holds its staff member: duration, then the buffer after it."""

    duration: timedelta
    buffer_after: timedelta

    @classmethod
    def of(cls, service: Service) -> Occupancy:
        return cls(service.duration, service.buffer_after)


def qualified(staff: Sequence[Staff], service: Service) -> list[Staff]:
    return sorted((s for s in staff if s.can_perform(service)), key=lambda s: s.id)


def day_window(
    salon: Salon, first: date, days: int, occupancy: Occupancy
) -> tuple[datetime, datetime]:
    """Instants that cover every local date asked, with a day's slack for DST and buffers."""
    zone = salon.zone
    start = local_midnight(first - timedelta(days=1), zone)
    end = local_midnight(first + timedelta(days=days + 1), zone)
    return start, end + occupancy.duration + occupancy.buffer_after


async def calendars(
    uow: UnitOfWork,
    staff_ids: Sequence[str],
    start: datetime,
    end: datetime,
    exclude_booking_id: str | None = None,
) -> list[StaffCalendar]:
    weekly = await uow.schedules.weekly(staff_ids)
    off = await uow.schedules.time_off_between(staff_ids, start, end)
    busy = await uow.bookings.occupied(staff_ids, start, end, exclude_booking_id)
    return [
        StaffCalendar(
            staff_id=sid, weekly=weekly[sid], blocked=[*off.get(sid, ()), *busy.get(sid, ())]
        )
        for sid in staff_ids
    ]


async def offered_slots(
    uow: UnitOfWork,
    salon: Salon,
    occupancy: Occupancy,
    staff_ids: Sequence[str],
    first: date,
    days: int,
    now: datetime,
    exclude_booking_id: str | None = None,
) -> list[Slot]:
    """API.md's exact rule for rules 2-5; the caller has applied rule 1 to `staff_ids`."""
    if not staff_ids:
        return []
    policy = salon.policy
    window = day_window(salon, first, days, occupancy)
    query = SlotQuery(
        tz=salon.zone,
        first_date=first,
        days=days,
        duration=occupancy.duration,
        buffer_after=occupancy.buffer_after,
        step_minutes=policy.slot_step_minutes,
        earliest=now + timedelta(minutes=policy.lead_time_minutes),
        latest=now + timedelta(days=policy.horizon_days),
    )
    cals = await calendars(uow, staff_ids, *window, exclude_booking_id=exclude_booking_id)
    return compute_slots(query, cals)


async def alternatives(
    uow: UnitOfWork,
    salon: Salon,
    occupancy: Occupancy,
    staff_ids: Sequence[str],
    target: datetime,
    now: datetime,
    exclude_booking_id: str | None = None,
) -> list[Slot]:
    """Up to five offered slots nearest to `target`, searching a week either side of it.

    The search widens outward (the asked day, then 1, 3 and 7 days either side) and stops as soon
    as the five found are provably the nearest of the whole week-either-side range: every slot of
    a day outside the window is farther than the window's edge. Same answer as one pass over the
    range, far less work for the common case, a taken slot on a busy day (bench/README.md).
    """
    zone = salon.zone
    today = now.astimezone(zone).date()
    asked = target.astimezone(zone).date()
    first = max(asked - timedelta(days=ALTERNATIVES_SEARCH_DAYS), today)
    last_allowed = (now + timedelta(days=salon.policy.horizon_days)).astimezone(zone).date()
    last = min(asked + timedelta(days=ALTERNATIVES_SEARCH_DAYS), last_allowed)
    if last < first:
        first, last = today, min(today + timedelta(days=ALTERNATIVES_SEARCH_DAYS), last_allowed)
    if first <= asked <= last:
        windows = [
            (max(asked - timedelta(days=r), first), min(asked + timedelta(days=r), last))
            for r in (0, 1, 3)
        ]
    else:  # the asked day is outside the range (in the past, say): one pass over the range
        windows = []
    best: list[Slot] = []
    for low, high in [*windows, (first, last)]:
        slots = await offered_slots(
            uow, salon, occupancy, staff_ids, low, (high - low).days + 1, now, exclude_booking_id
        )
        best = nearest(slots, target, MAX_ALTERNATIVES)
        if (low, high) == (first, last):
            return best
        if len(best) == MAX_ALTERNATIVES:
            reach = abs(best[-1].start - target)
            below_done = low == first or target - local_midnight(low, zone) > reach
            above_done = (
                high == last or local_midnight(high + timedelta(days=1), zone) - target > reach
            )
            if below_done and above_done:
                return best
    return best
