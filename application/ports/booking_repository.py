from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain.booking import Booking, BookingSource, BookingStatus
from domain.intervals import Interval


class BookingRepository(Protocol):
    """Bookings. The store itself is the final arbiter of no double booking.

    `add` and `update` raise domain.errors.SlotUnavailable when the booking is active and its
    occupied interval [start, occupied_until) overlaps another active booking of the same staff
    member (PostgreSQL: an exclusion constraint; SQLite: a check inside the immediate write
    transaction; memory: a check under the write lock). After that error the unit of work is
    still usable (a savepoint wraps the write).
    """

    async def add(self, booking: Booking) -> None: ...

    async def update(self, booking: Booking) -> None: ...

    async def get(self, booking_id: str) -> Booking | None: ...

    async def get_by_manage_token_hash(self, token_hash: str) -> Booking | None: ...

    async def occupied(
        self,
        staff_ids: Sequence[str],
        start: datetime,
        end: datetime,
        exclude_booking_id: str | None = None,
    ) -> Mapping[str, Sequence[Interval]]:
        """Per staff id, occupied intervals of active bookings overlapping [start, end)."""
        ...

    async def active_counts(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, int]:
        """Per staff id, how many active bookings start in [start, end)."""
        ...

    async def customer_has_booking(self, customer_id: str) -> bool: ...

    async def get_by_external_ref(self, salon_id: str, external_ref: str) -> Booking | None: ...

    async def active_starting_between(self, start: datetime, end: datetime) -> Sequence[Booking]:
        """Active bookings of every salon starting in [start, end), by start then id."""
        ...

    async def for_customer(self, customer_id: str) -> Sequence[Booking]:
        """Every booking of the customer, by start then id."""
        ...

    async def search(
        self,
        salon_id: str,
        *,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        source: BookingSource | None = None,
        status: BookingStatus | None = None,
    ) -> Sequence[Booking]:
        """Sorted by start, then id. `start_from` inclusive, `start_to` exclusive."""
        ...
