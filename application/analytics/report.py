"""What the owner's analytics shows, assembled from counters and booking aggregates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from application.analytics.period import Period
from application.ports.booking_stats import BookingTimes, ServiceBookings
from application.ports.funnel_repository import FunnelCount
from domain.analytics import FUNNEL_SOURCES, FunnelStep, ratio
from domain.booking import BookingSource, BookingStatus


@dataclass(frozen=True, slots=True)
class FunnelRow:
    views: int
    slot_views: int
    bookings: int
    conversion: float  # bookings / views, 4 decimals; 0.0 without views


@dataclass(frozen=True, slots=True)
class DailyRow:
    """One (date, source) of the range: the series and the CSV export."""

    date: date
    source: BookingSource
    views: int
    slot_views: int
    bookings: int


@dataclass(frozen=True, slots=True)
class PeakHour:
    weekday: int  # 0 = Monday
    hour: int
    bookings: int


@dataclass(frozen=True, slots=True)
class Rates:
    bookings: int  # bookings whose start falls in the range, any status
    cancelled: int
    no_show: int
    cancellation_rate: float
    no_show_rate: float


@dataclass(frozen=True, slots=True)
class AnalyticsReport:
    period: Period
    timezone: str
    bookings_by_source: Mapping[BookingSource, int]  # every source, zeros included
    funnel: Mapping[BookingSource, FunnelRow]  # the five funnel sources
    popular_services: Sequence[ServiceBookings]
    peak_hours: Sequence[PeakHour]
    daily: Sequence[DailyRow]
    rates: Rates


def daily_rows(
    period: Period,
    zone: ZoneInfo,
    counters: Sequence[FunnelCount],
    created: Sequence[BookingTimes],
) -> list[DailyRow]:
    """Every date × the five funnel sources, plus staff and google on the dates they have
    bookings; by date, then source in the order of BookingSource."""
    steps = {(c.day, c.source, c.step): c.count for c in counters}
    booked = Counter((b.created_at.astimezone(zone).date(), b.source) for b in created)
    rows = []
    for day in period.days:
        for source in BookingSource:
            n = booked.get((day, source), 0)
            if source not in FUNNEL_SOURCES and not n:
                continue
            rows.append(
                DailyRow(
                    date=day,
                    source=source,
                    views=steps.get((day, source, FunnelStep.VIEW), 0),
                    slot_views=steps.get((day, source, FunnelStep.SLOT_VIEW), 0),
                    bookings=n,
                )
            )
    return rows


def peak_hours(zone: ZoneInfo, created: Sequence[BookingTimes]) -> list[PeakHour]:
    """Bookings (not cancelled) by the salon-local weekday and hour of their start."""
    cells = Counter(
        (local.weekday(), local.hour)
        for b in created
        if b.status != BookingStatus.CANCELLED
        for local in (b.start.astimezone(zone),)
    )
    return [PeakHour(w, h, n) for (w, h), n in sorted(cells.items())]


def funnel(
    counters: Sequence[FunnelCount], by_source: Mapping[BookingSource, int]
) -> dict[BookingSource, FunnelRow]:
    steps: Counter[tuple[BookingSource, FunnelStep]] = Counter()
    for c in counters:
        steps[(c.source, c.step)] += c.count
    rows = {}
    for source in FUNNEL_SOURCES:
        views, booked = steps[(source, FunnelStep.VIEW)], by_source.get(source, 0)
        rows[source] = FunnelRow(
            views=views,
            slot_views=steps[(source, FunnelStep.SLOT_VIEW)],
            bookings=booked,
            conversion=ratio(booked, views),
        )
    return rows


def rates(statuses: Mapping[BookingStatus, int]) -> Rates:
    total = sum(statuses.values())
    cancelled = statuses.get(BookingStatus.CANCELLED, 0)
    no_show = statuses.get(BookingStatus.NO_SHOW, 0)
    return Rates(
        bookings=total,
        cancelled=cancelled,
        no_show=no_show,
        cancellation_rate=ratio(cancelled, total),
        no_show_rate=ratio(no_show, total),
    )
