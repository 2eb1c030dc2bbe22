"""In-memory FunnelRepository and BookingStats over a MemoryState."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from application.ports.booking_stats import BookingStats, BookingTimes, ServiceBookings
from application.ports.funnel_repository import FunnelCount, FunnelRepository
from domain.analytics import FunnelStep
from domain.booking import Booking, BookingSource, BookingStatus

from .store import MemoryState


class InMemoryFunnelRepository(FunnelRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def increment(
        self, salon_id: str, day: date, source: BookingSource, step: FunnelStep
    ) -> None:
        key = (salon_id, day, source.value, step.value)
        self._s.funnel[key] = self._s.funnel.get(key, 0) + 1

    async def counts(self, salon_id: str, first: date, last: date) -> Sequence[FunnelCount]:
        return [
            FunnelCount(day=day, source=BookingSource(source), step=FunnelStep(step), count=n)
            for (salon, day, source, step), n in sorted(self._s.funnel.items())
            if salon == salon_id and first <= day <= last and n
        ]


class InMemoryBookingStats(BookingStats):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def _created(self, salon_id: str, since: datetime, until: datetime) -> list[Booking]:
        return [
            b
            for b in self._s.bookings.values()
            if b.salon_id == salon_id and since <= b.created_at < until
        ]

    async def created_by_source(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Mapping[BookingSource, int]:
        return dict(Counter(b.source for b in self._created(salon_id, since, until)))

    async def created(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Sequence[BookingTimes]:
        found = sorted(self._created(salon_id, since, until), key=lambda b: (b.created_at, b.start))
        return [BookingTimes(b.source, b.status, b.created_at, b.start) for b in found]

    async def popular_services(
        self,
        salon_id: str,
        since: datetime,
        until: datetime,
        sources: Collection[BookingSource],
        limit: int,
    ) -> Sequence[ServiceBookings]:
        counts = Counter(
            b.service_id for b in self._created(salon_id, since, until) if b.source in sources
        )
        rows = [
            ServiceBookings(service_id=sid, name=self._s.services[sid].name, bookings=n)
            for sid, n in counts.items()
        ]
        rows.sort(key=lambda r: (-r.bookings, r.name, r.service_id))
        return rows[:limit]

    async def statuses_by_start(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Mapping[BookingStatus, int]:
        return dict(
            Counter(
                b.status
                for b in self._s.bookings.values()
                if b.salon_id == salon_id and since <= b.start < until
            )
        )
