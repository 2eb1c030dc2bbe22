"""The analytics funnel counters (`funnel_counts`) and read-only aggregates over bookings."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from application.ports.booking_stats import BookingStats, BookingTimes, ServiceBookings
from application.ports.funnel_repository import FunnelCount, FunnelRepository
from domain.analytics import FunnelStep
from domain.booking import BookingSource, BookingStatus

from ..tables import bookings, funnel_counts, services
from ._sql import dialect_insert

_F = funnel_counts.c
_B = bookings.c
_COUNT = _F["count"]


class SqlaFunnelRepository(FunnelRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def increment(
        self, salon_id: str, day: date, source: BookingSource, step: FunnelStep
    ) -> None:
        insert = dialect_insert(self._conn, funnel_counts).values(
            salon_id=salon_id, day=day, source=source.value, step=step.value, count=1
        )
        await self._conn.execute(
            insert.on_conflict_do_update(
                index_elements=[_F.salon_id, _F.day, _F.source, _F.step],
                set_={_COUNT.name: _COUNT + 1},
            )
        )

    async def counts(self, salon_id: str, first: date, last: date) -> Sequence[FunnelCount]:
        rows = await self._conn.execute(
            select(_F.day, _F.source, _F.step, _COUNT)
            .where(_F.salon_id == salon_id, _F.day >= first, _F.day <= last)
            .order_by(_F.day, _F.source, _F.step)
        )
        return [
            FunnelCount(day=day, source=BookingSource(source), step=FunnelStep(step), count=n)
            for day, source, step, n in rows
        ]


def _created_in(salon_id: str, since: datetime, until: datetime) -> ColumnElement[bool]:
    return (_B.salon_id == salon_id) & (_B.created_at >= since) & (_B.created_at < until)


class SqlaBookingStats(BookingStats):
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def created_by_source(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Mapping[BookingSource, int]:
        rows = await self._conn.execute(
            select(_B.source, func.count())
            .where(_created_in(salon_id, since, until))
            .group_by(_B.source)
        )
        return {BookingSource(source): n for source, n in rows}

    async def created(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Sequence[BookingTimes]:
        rows = await self._conn.execute(
            select(_B.source, _B.status, _B.created_at, _B.starts_at)
            .where(_created_in(salon_id, since, until))
            .order_by(_B.created_at, _B.starts_at)
        )
        return [
            BookingTimes(BookingSource(source), BookingStatus(status), created_at, start)
            for source, status, created_at, start in rows
        ]

    async def popular_services(
        self,
        salon_id: str,
        since: datetime,
        until: datetime,
        sources: Collection[BookingSource],
        limit: int,
    ) -> Sequence[ServiceBookings]:
        if not sources or limit <= 0:
            return []
        n = func.count().label("n")
        rows = await self._conn.execute(
            select(services.c.id, services.c.name, n)
            .select_from(bookings.join(services, services.c.id == _B.service_id))
            .where(
                _created_in(salon_id, since, until),
                _B.source.in_([s.value for s in sources]),
            )
            .group_by(services.c.id, services.c.name)
            .order_by(n.desc(), services.c.name, services.c.id)
            .limit(limit)
        )
        return [ServiceBookings(service_id=sid, name=name, bookings=k) for sid, name, k in rows]

    async def statuses_by_start(
        self, salon_id: str, since: datetime, until: datetime
    ) -> Mapping[BookingStatus, int]:
        rows = await self._conn.execute(
            select(_B.status, func.count())
            .where(_B.salon_id == salon_id, _B.starts_at >= since, _B.starts_at < until)
            .group_by(_B.status)
        )
        return {BookingStatus(status): n for status, n in rows}
