"""The salon's own view of bookings: list, create for a customer, change status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.booking.customers import CustomerDetails, normalized, upsert_customer
from application.booking.placing import by_fewest_bookings, move, place
from application.booking.slots import Occupancy, alternatives, day_window, qualified
from application.booking.views import BookingReceipt, BookingView, view_of
from application.messaging.queue import queue_booking_message
from application.ports.clock import Clock
from application.ports.metrics import Metrics
from application.ports.phone_numbers import PhoneNumbers
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import hash_secret, new_id, new_secret
from application.tenancy import owned_salon, salon_booking, salon_service, salon_staff
from domain.audit import diff
from domain.availability import local_date_of
from domain.booking import Booking, BookingSource, BookingStatus
from domain.errors import Conflict, SlotUnavailable
from domain.messaging import Purpose
from domain.placement import fits
from domain.salon import Salon
from domain.time_range import checked_instant


@dataclass(frozen=True, slots=True)
class BookingFilter:
    start_from: datetime | None = None
    start_to: datetime | None = None
    source: BookingSource | None = None
    status: BookingStatus | None = None


class SalonBookings:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, phones: PhoneNumbers, metrics: Metrics
    ) -> None:
        self._uow, self._clock, self._phones, self._metrics = uow, clock, phones, metrics

    async def list(
        self, actor: Actor, salon_id: str, filters: BookingFilter
    ) -> Sequence[BookingView]:
        for name, value in (("from", filters.start_from), ("to", filters.start_to)):
            if value is not None:
                checked_instant(value, name)
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            found = await uow.bookings.search(
                salon_id,
                start_from=filters.start_from,
                start_to=filters.start_to,
                source=filters.source,
                status=filters.status,
            )
            return [await view_of(uow, b, salon.timezone) for b in found]

    async def create(
        self,
        actor: Actor,
        salon_id: str,
        *,
        service_id: str,
        staff_id: str | None,
        start: datetime,
        customer: CustomerDetails,
    ) -> BookingReceipt:
        """A staff-made booking: no lead time, horizon, grid or phone check, but inside the
        staff member's hours and never overlapping."""
        now = self._clock.now()
        checked_instant(start, "start")
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            service = await salon_service(uow, salon_id, service_id)
            if staff_id is not None:
                candidates = qualified([await salon_staff(uow, salon_id, staff_id)], service)
            else:
                candidates = qualified(await uow.catalog.staff(salon_id), service)
            details = normalized(customer, salon, self._phones)
            occupancy = Occupancy.of(service)
            ids = [s.id for s in candidates]
            free = await _working_and_free(uow, salon, ids, start, occupancy)
            person = await upsert_customer(uow, salon_id, details)
            token = new_secret()

            def make(sid: str) -> Booking:
                return Booking(
                    id=new_id(),
                    salon_id=salon_id,
                    service_id=service.id,
                    staff_id=sid,
                    customer_id=person.id,
                    status=BookingStatus.CONFIRMED,
                    source=BookingSource.STAFF,
                    start=start,
                    end=start + occupancy.duration,
                    occupied_until=start + occupancy.duration + occupancy.buffer_after,
                    created_at=now,
                    manage_token_hash=hash_secret(token),
                )

            booking = await place(uow, await by_fewest_bookings(uow, salon, free, start), make)
            if booking is None:
                refused = SlotUnavailable(
                    "That time is not available.",
                    await alternatives(uow, salon, occupancy, ids, start, now),
                    salon.timezone,
                )
                self._metrics.booking_conflicted(BookingSource.STAFF.value)
                raise refused
            trail = Trail(uow, salon_id, by_owner(actor), now)
            await trail.record("booking.created", booking.id, diff(None, booking))
            view = await view_of(uow, booking, salon.timezone)
            await uow.commit()
        self._metrics.booking_created(booking.source.value)
        return BookingReceipt(view=view, manage_token=token)

    async def move(
        self,
        actor: Actor,
        salon_id: str,
        booking_id: str,
        *,
        start: datetime,
        staff_id: str | None = None,
    ) -> BookingView:
        """The salon moves a booking: like a staff-made booking (inside the staff member's
        hours, never overlapping; no lead time, grid or window), keeping its duration and
        buffer. The customer is told on the best open channel."""
        now = self._clock.now()
        checked_instant(start, "start")
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            booking = await salon_booking(uow, salon_id, booking_id)
            if not booking.active:
                raise Conflict(
                    f"A {booking.status.value} booking cannot be moved.",
                    {"status": booking.status.value},
                )
            service = await salon_service(uow, salon_id, booking.service_id)
            if staff_id is not None:
                candidates = qualified([await salon_staff(uow, salon_id, staff_id)], service)
            else:
                candidates = qualified(await uow.catalog.staff(salon_id), service)
            occupancy = Occupancy(booking.end - booking.start, booking.occupied_until - booking.end)
            ids = [s.id for s in candidates]
            free = await _working_and_free(uow, salon, ids, start, occupancy, booking.id)
            moved = await move(
                uow, booking, free, start, occupancy.duration, occupancy.buffer_after
            )
            if moved is None:
                raise SlotUnavailable(
                    "That time is not available.",
                    await alternatives(uow, salon, occupancy, ids, start, now, booking.id),
                    salon.timezone,
                )
            trail = Trail(uow, salon_id, by_owner(actor), now)
            await trail.record("booking.rescheduled", booking_id, diff(booking, moved))
            if moved.start != booking.start and moved.start > now:
                await queue_booking_message(
                    uow, Purpose.RESCHEDULED, moved, now, not_after=moved.start
                )
            view = await view_of(uow, moved, salon.timezone)
            await uow.commit()
        return view

    async def change_status(
        self, actor: Actor, salon_id: str, booking_id: str, status: BookingStatus
    ) -> BookingView:
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            booking = await salon_booking(uow, salon_id, booking_id)
            updated = booking.with_status(status)
            if updated != booking:
                now = self._clock.now()
                await uow.bookings.update(updated)
                trail = Trail(uow, salon_id, by_owner(actor), now)
                await trail.record("booking.status_changed", booking_id, diff(booking, updated))
                if updated.status is BookingStatus.CANCELLED and booking.start > now:
                    # The salon cancelled: the customer is told on the best open channel.
                    await queue_booking_message(
                        uow, Purpose.CANCELLED, updated, now, not_after=updated.start
                    )
            view = await view_of(uow, updated, salon.timezone)
            await uow.commit()
        if updated.status != booking.status and updated.status is BookingStatus.CANCELLED:
            self._metrics.booking_cancelled(updated.source.value)
        return view


async def _working_and_free(
    uow: UnitOfWork,
    salon: Salon,
    staff_ids: Sequence[str],
    start: datetime,
    occupancy: Occupancy,
    exclude_booking_id: str | None = None,
) -> list[str]:
    """Staff whose hours hold [start, end + buffer) clear of time off and other bookings
    (the rule for bookings the salon makes or moves: no lead time, horizon or grid)."""
    window = day_window(salon, local_date_of(start, salon.zone), 1, occupancy)
    weekly = await uow.schedules.weekly(staff_ids)
    off = await uow.schedules.time_off_between(staff_ids, *window)
    busy = await uow.bookings.occupied(staff_ids, *window, exclude_booking_id=exclude_booking_id)
    return [
        sid
        for sid in staff_ids
        if fits(
            weekly[sid],
            [*off.get(sid, ()), *busy.get(sid, ())],
            salon.zone,
            start,
            occupancy.duration,
            occupancy.buffer_after,
        )
    ]
