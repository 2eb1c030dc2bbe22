"""The owner's analytics (Growth or Elite) and the booking widget's funnel beacon (public)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Final

from application.actor import Actor
from application.analytics.period import Period, period
from application.analytics.report import AnalyticsReport, daily_rows, funnel, peak_hours, rates
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.tenancy import owned_salon, public_salon
from domain.analytics import SOCIAL_SOURCES, FunnelStep, funnel_source
from domain.booking import BookingSource
from domain.plans import Feature, require

POPULAR_LIMIT: Final = 10
CSV_COLUMNS: Final = ("date", "source", "views", "slot_views", "bookings")


class SalonAnalytics:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def record(self, salon_id: str, source: str, step: FunnelStep) -> None:
        """Count one funnel step on the salon's local today. Public (the booking widget calls
        it); an unknown salon is NotFound; an unknown `source` counts as web. Any plan counts
        (a salon that upgrades sees its history)."""
        async with self._uow(write=True) as uow:
            salon = await public_salon(uow, salon_id)
            day = self._clock.now().astimezone(salon.zone).date()
            await uow.funnel.increment(salon.id, day, funnel_source(source), step)
            await uow.commit()

    async def report(
        self, actor: Actor, salon_id: str, first: date | None = None, last: date | None = None
    ) -> AnalyticsReport:
        """The salon-local dates `first` … `last` (inclusive; the last 30 days by default).
        Another owner's salon is NotFound; the Free plan is PlanRequired."""
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require(salon, Feature.ANALYTICS)
            zone = salon.zone
            span = period(self._clock.now().astimezone(zone).date(), first, last)
            since, until = span.instants(zone)
            counters = await uow.funnel.counts(salon.id, span.first, span.last)
            by_source = await uow.booking_stats.created_by_source(salon.id, since, until)
            created = await uow.booking_stats.created(salon.id, since, until)
            popular = await uow.booking_stats.popular_services(
                salon.id, since, until, SOCIAL_SOURCES, POPULAR_LIMIT
            )
            statuses = await uow.booking_stats.statuses_by_start(salon.id, since, until)
        return AnalyticsReport(
            period=span,
            timezone=salon.timezone,
            bookings_by_source={s: by_source.get(s, 0) for s in BookingSource},
            funnel=funnel(counters, by_source),
            popular_services=popular,
            peak_hours=peak_hours(zone, created),
            daily=daily_rows(span, zone, counters, created),
            rates=rates(statuses),
        )

    async def export_csv(
        self, actor: Actor, salon_id: str, first: date | None = None, last: date | None = None
    ) -> tuple[Period, str]:
        """The report's daily rows as CSV: date,source,views,slot_views,bookings."""
        found = await self.report(actor, salon_id, first, last)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in found.daily:
            writer.writerow(
                (row.date.isoformat(), row.source.value, row.views, row.slot_views, row.bookings)
            )
        return found.period, out.getvalue()
