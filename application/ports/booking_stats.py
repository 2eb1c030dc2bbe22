from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.booking import BookingSource, BookingStatus


@dataclass(frozen=True, slots=True)
class BookingTimes:
    """The few columns of a booking that analytics buckets by the salon's clock."""

    source: BookingSource
    status: BookingStatus
    created_at: datetime
    start: datetime


@dataclass(frozen=True, slots=True)
class ServiceBookings:
    service_id: str
    name: str
    bookings: int


class BookingStats(Protocol):
    """Read-only aggregates over a salon's bookings for the owner's analytics. Part of the unit
    of work. Ranges are half-open instants `[since, until)`; counts cover every status unless
    said otherwise. Never any customer data."""

    async def created_by_source(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Mapping[BookingSource, int]:
        """Bookings created in the range, per source (sources without any are left out)."""
        ...

    async def created(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Sequence[BookingTimes]:
        """Source, status, created_at and start of each booking created in the range, by
        created_at then start."""
        ...

    async def popular_services(
        self,
        salon_id: str,
        since: datetime,
        until: datetime,
        sources: Collection[BookingSource],
        limit: int,
    ) -> Sequence[ServiceBookings]:
        """Services by how many bookings from `sources` were created in the range: most first,
        ties by name then id; only services with at least one; at most `limit`."""
        ...

    async def statuses_by_start(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Mapping[BookingStatus, int]:
        """Bookings whose start falls in the range, per status (absent statuses left out)."""
        ...
