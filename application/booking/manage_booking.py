"""The customer's manage link: see, cancel or reschedule their booking within policy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from application.audit_trail import Trail, by_customer
from application.booking.placing import move
from application.booking.slots import Occupancy, alternatives, offered_slots, qualified
from application.booking.views import BookingView, view_of
from application.messaging.refs import MANAGE, BookingRefs
from application.ports.clock import Clock
from application.ports.metrics import Metrics
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import hash_secret
from application.tenancy import salon_service, salon_staff
from domain.audit import diff
from domain.availability import local_date_of
from domain.booking import Booking, BookingStatus
from domain.errors import NotFound, SlotUnavailable
from domain.salon import Salon
from domain.time_range import checked_instant


@dataclass(frozen=True, slots=True)
class ByToken:
    """The manage link's token: the booking's own (stored hashed) or a signed one from a
    message (see application.messaging.refs)."""

    token: str


@dataclass(frozen=True, slots=True)
class ByCustomer:
    """A customer known by their Messenger/Instagram thread, acting on their own booking."""

    booking_id: str
    customer_id: str


Holder = ByToken | ByCustomer


class ManageBooking:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        metrics: Metrics,
        refs: BookingRefs | None = None,
    ) -> None:
        self._uow, self._clock, self._metrics, self._refs = uow, clock, metrics, refs

    async def _find(self, uow: UnitOfWork, holder: Holder | str) -> tuple[Booking, Salon]:
        if isinstance(holder, str):
            holder = ByToken(holder)
        booking: Booking | None = None
        if isinstance(holder, ByCustomer):
            booking = await uow.bookings.get(holder.booking_id)
            if booking is not None and booking.customer_id != holder.customer_id:
                booking = None
        elif holder.token:
            signed = (
                self._refs.verify(holder.token, self._clock.now(), MANAGE)
                if self._refs is not None and len(holder.token) <= 120
                else None
            )
            if signed is not None:
                booking = await uow.bookings.get(signed.booking_id)
            else:
                booking = await uow.bookings.get_by_manage_token_hash(hash_secret(holder.token))
        salon = await uow.salons.get(booking.salon_id) if booking else None
        if booking is None or salon is None:
            raise NotFound("Booking not found.")
        return booking, salon

    async def view(self, token: Holder | str) -> BookingView:
        async with self._uow() as uow:
            booking, salon = await self._find(uow, token)
            return await view_of(uow, booking, salon.timezone)

    async def cancel(self, token: Holder | str) -> BookingView:
        async with self._uow(write=True) as uow:
            booking, salon = await self._find(uow, token)
            booking.ensure_customer_may_change(
                self._clock.now(), salon.policy.cancellation_window_hours
            )
            cancelled = replace(booking, status=BookingStatus.CANCELLED)
            await uow.bookings.update(cancelled)
            trail = Trail(uow, salon.id, by_customer(booking.customer_id), self._clock.now())
            await trail.record("booking.cancelled", booking.id, diff(booking, cancelled))
            view = await view_of(uow, cancelled, salon.timezone)
            await uow.commit()
        self._metrics.booking_cancelled(cancelled.source.value)
        return view

    async def reschedule(
        self, token: Holder | str, start: datetime, staff_id: str | None
    ) -> BookingView:
        """Release the old time and hold the new one in one transaction. The booking keeps
        the duration and buffer it was made with."""
        now = self._clock.now()
        checked_instant(start, "start")
        async with self._uow(write=True) as uow:
            booking, salon = await self._find(uow, token)
            booking.ensure_customer_may_change(now, salon.policy.cancellation_window_hours)
            service = await salon_service(uow, salon.id, booking.service_id)
            occupancy = Occupancy(booking.end - booking.start, booking.occupied_until - booking.end)
            if staff_id is not None:
                candidates = qualified([await salon_staff(uow, salon.id, staff_id)], service)
            else:
                candidates = qualified(await uow.catalog.staff(salon.id), service)
            ids = [s.id for s in candidates]
            slots = await offered_slots(
                uow, salon, occupancy, ids, local_date_of(start, salon.zone), 1, now, booking.id
            )
            free = next((s.staff_ids for s in slots if s.start == start), ())
            moved = await move(
                uow, booking, free, start, occupancy.duration, occupancy.buffer_after
            )
            if moved is None:
                refused = SlotUnavailable(
                    "That time is not available.",
                    await alternatives(uow, salon, occupancy, ids, start, now, booking.id),
                    salon.timezone,
                )
                self._metrics.booking_conflicted(booking.source.value)
                raise refused
            trail = Trail(uow, salon.id, by_customer(booking.customer_id), now)
            await trail.record("booking.rescheduled", booking.id, diff(booking, moved))
            view = await view_of(uow, moved, salon.timezone)
            await uow.commit()
        return view
