"""The in-memory BookingRepository: bookings (refusing overlaps, as the database does).

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from application.ports.booking_repository import BookingRepository
from domain.booking import Booking, BookingSource, BookingStatus
from domain.errors import Conflict, SlotUnavailable
from domain.intervals import Interval

from .store import MemoryState


class InMemoryBookingRepository(BookingRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def _check_overlap(self, booking: Booking) -> None:
        if not booking.active:
            return
        for other in self._s.bookings.values():
            if (
                other.id != booking.id
                and other.active
                and other.staff_id == booking.staff_id
                and other.start < booking.occupied_until
                and booking.start < other.occupied_until
            ):
                raise SlotUnavailable("That time was just taken.")

    def _check_external_ref(self, booking: Booking) -> None:
        if booking.external_ref is None:
            return
        for other in self._s.bookings.values():
            if (
                other.id != booking.id
                and other.salon_id == booking.salon_id
                and other.external_ref == booking.external_ref
            ):
                raise Conflict("That appointment is already booked.")

    async def add(self, booking: Booking) -> None:
        if booking.id in self._s.bookings:
            raise Conflict("That booking is already stored.")
        self._check_overlap(booking)
        self._check_external_ref(booking)
        self._s.bookings[booking.id] = booking

    async def update(self, booking: Booking) -> None:
        self._check_overlap(booking)
        self._check_external_ref(booking)
        self._s.bookings[booking.id] = booking

    async def get(self, booking_id: str) -> Booking | None:
        return self._s.bookings.get(booking_id)

    async def get_by_manage_token_hash(self, token_hash: str) -> Booking | None:
        return next(
            (b for b in self._s.bookings.values() if b.manage_token_hash == token_hash), None
        )

    async def occupied(
        self,
        staff_ids: Sequence[str],
        start: datetime,
        end: datetime,
        exclude_booking_id: str | None = None,
    ) -> Mapping[str, Sequence[Interval]]:
        out: dict[str, list[Interval]] = {sid: [] for sid in staff_ids}
        for b in self._s.bookings.values():
            if (
                b.staff_id in out
                and b.active
                and b.id != exclude_booking_id
                and b.start < end
                and start < b.occupied_until
            ):
                out[b.staff_id].append(b.occupied)
        return out

    async def active_counts(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, int]:
        out = dict.fromkeys(staff_ids, 0)
        for b in self._s.bookings.values():
            if b.staff_id in out and b.active and start <= b.start < end:
                out[b.staff_id] += 1
        return out

    async def customer_has_booking(self, customer_id: str) -> bool:
        return any(b.customer_id == customer_id for b in self._s.bookings.values())

    async def get_by_external_ref(self, salon_id: str, external_ref: str) -> Booking | None:
        return next(
            (
                b
                for b in self._s.bookings.values()
                if b.salon_id == salon_id and b.external_ref == external_ref
            ),
            None,
        )

    async def active_starting_between(self, start: datetime, end: datetime) -> Sequence[Booking]:
        found = [b for b in self._s.bookings.values() if b.active and start <= b.start < end]
        return sorted(found, key=lambda b: (b.start, b.id))

    async def for_customer(self, customer_id: str) -> Sequence[Booking]:
        found = [b for b in self._s.bookings.values() if b.customer_id == customer_id]
        return sorted(found, key=lambda b: (b.start, b.id))

    async def search(
        self,
        salon_id: str,
        *,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        source: BookingSource | None = None,
        status: BookingStatus | None = None,
    ) -> Sequence[Booking]:
        found = [
            b
            for b in self._s.bookings.values()
            if b.salon_id == salon_id
            and (start_from is None or b.start >= start_from)
            and (start_to is None or b.start < start_to)
            and (source is None or b.source == source)
            and (status is None or b.status == status)
        ]
        return sorted(found, key=lambda b: (b.start, b.id))
