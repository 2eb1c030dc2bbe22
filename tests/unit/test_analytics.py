"""The owner's analytics: the range, salon-local bucketing, the funnel's arithmetic, the CSV.

The world's clock reads 2026-11-30 10:00 in Asia/Kolkata (UTC+05:30), a Monday.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from application.actor import Actor
from application.analytics.period import period
from domain.analytics import FunnelStep, funnel_source, ratio
from domain.booking import Booking, BookingSource, BookingStatus, Customer
from domain.errors import NotFound, PlanRequired, ValidationFailed
from domain.salon import Tier

from .conftest import World

IG, FB, WEB, STORY = (
    BookingSource.INSTAGRAM,
    BookingSource.FACEBOOK,
    BookingSource.WEB,
    BookingSource.STORY,
)
VIEW, SLOTS = FunnelStep.VIEW, FunnelStep.SLOT_VIEW


@pytest.fixture
async def paid(world: World) -> World:
    await world.uc.set_tier(world.salon_id, Tier.GROWTH)
    return world


async def add_booking(
    w: World,
    *,
    created: datetime,
    start: datetime,
    source: BookingSource = IG,
    status: BookingStatus = BookingStatus.CONFIRMED,
    service: str | None = None,
    staff: str | None = None,
) -> Booking:
    booking = Booking(
        id=str(uuid.uuid4()),
        salon_id=w.salon_id,
        service_id=service or w.cut,
        staff_id=staff or w.asha,
        customer_id="",
        status=status,
        source=source,
        start=start,
        end=start + timedelta(minutes=60),
        occupied_until=start + timedelta(minutes=60),
        created_at=created,
        manage_token_hash=uuid.uuid4().hex,
    )
    async with w.uow(write=True) as uow:
        customer = await uow.customers.get_or_add(
            Customer(
                id=str(uuid.uuid4()),
                salon_id=w.salon_id,
                name="Riya",
                phone="+919876543210",
                email=None,
            )
        )
        booking = replace(booking, customer_id=customer.id)
        await uow.bookings.add(booking)
        await uow.commit()
    return booking


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def beacons(w: World, source: str, step: FunnelStep, n: int) -> None:
    for _ in range(n):
        await w.uc.analytics.record(w.salon_id, source, step)


# --- the range ---------------------------------------------------------------------------


def test_the_range_defaults_to_the_last_30_days_ending_today() -> None:
    today = date(2026, 11, 30)
    assert (p := period(today, None, None)).first == date(2026, 11, 1) and p.last == today
    assert len(p.days) == 30
    only_to = period(today, None, date(2026, 6, 30))
    assert (only_to.first, only_to.last) == (date(2026, 6, 1), date(2026, 6, 30))
    only_from = period(today, date(2026, 11, 20), None)
    assert (only_from.first, only_from.last) == (date(2026, 11, 20), today)


def test_the_range_is_at_most_366_days_and_never_backwards() -> None:
    today = date(2026, 11, 30)
    assert len(period(today, date(2025, 1, 1), date(2026, 1, 1)).days) == 366
    with pytest.raises(ValidationFailed) as too_long:
        period(today, date(2025, 1, 1), date(2026, 1, 2))
    assert set(too_long.value.fields) == {"from", "to"}
    with pytest.raises(ValidationFailed) as backwards:
        period(today, date(2026, 11, 2), date(2026, 11, 1))
    assert backwards.value.fields == {"to": "must not be before from"}
    with pytest.raises(ValidationFailed) as future_from:  # `to` defaults to today
        period(today, date(2026, 12, 1), None)
    assert "to" in future_from.value.fields
    with pytest.raises(ValidationFailed):
        period(today, date(1900, 1, 1), date(1900, 1, 2))


def test_sources_and_ratios() -> None:
    assert funnel_source("instagram") == IG
    assert funnel_source(" Story ") == STORY
    for other in ("tiktok", "", "staff", "google"):
        assert funnel_source(other) == WEB
    assert ratio(1, 3) == 0.3333
    assert ratio(2, 3) == 0.6667
    assert ratio(5, 0) == 0.0
    assert ratio(0, 7) == 0.0


# --- the plan and the tenant -------------------------------------------------------------


async def test_free_plan_is_refused_and_other_owners_see_nothing(world: World) -> None:
    with pytest.raises(PlanRequired) as refused:
        await world.uc.analytics.report(world.actor, world.salon_id)
    assert refused.value.details == {"required": ["elite", "growth"], "tier": "free"}
    await world.uc.set_tier(world.salon_id, Tier.ELITE)
    stranger = Actor(str(uuid.uuid4()))
    with pytest.raises(NotFound):
        await world.uc.analytics.report(stranger, world.salon_id)
    with pytest.raises(NotFound):
        await world.uc.analytics.export_csv(stranger, world.salon_id)
    with pytest.raises(NotFound):
        await world.uc.analytics.report(world.actor, str(uuid.uuid4()))
    report = await world.uc.analytics.report(world.actor, world.salon_id)
    assert (report.period.first, report.period.last) == (date(2026, 11, 1), date(2026, 11, 30))


# --- the beacon ----------------------------------------------------------------------------


async def test_beacons_count_on_the_salons_local_day(paid: World) -> None:
    w = paid
    await beacons(w, "instagram", VIEW, 2)
    await beacons(w, "tiktok", VIEW, 1)  # unknown: web
    w.clock.set(utc(2026, 11, 30, 18, 45))  # 00:15 on 1 Dec in Kolkata
    await beacons(w, "facebook", SLOTS, 1)
    with pytest.raises(NotFound):
        await w.uc.analytics.record(str(uuid.uuid4()), "web", VIEW)
    async with w.uow() as uow:
        counted = await uow.funnel.counts(w.salon_id, date(2026, 11, 1), date(2026, 12, 31))
    assert [(c.day, c.source, c.step, c.count) for c in counted] == [
        (date(2026, 11, 30), IG, VIEW, 2),
        (date(2026, 11, 30), WEB, VIEW, 1),
        (date(2026, 12, 1), FB, SLOTS, 1),
    ]


# --- the report ----------------------------------------------------------------------------


async def test_bookings_are_bucketed_by_the_salons_calendar_across_midnight(paid: World) -> None:
    w = paid
    # 23:59 and 00:00 in Kolkata, either side of local midnight (18:30 UTC).
    before = await add_booking(
        w, created=utc(2026, 11, 28, 18, 29), start=utc(2026, 12, 5, 4, 30), source=IG
    )
    after = await add_booking(
        w, created=utc(2026, 11, 28, 18, 30), start=utc(2026, 12, 5, 18, 45), source=FB
    )
    # Created at 23:30 UTC on 30 Nov = 05:00 on 1 Dec in Kolkata: tomorrow, outside the default.
    await add_booking(w, created=utc(2026, 11, 30, 23, 30), start=utc(2026, 12, 6, 5, 30))
    assert before.created_at.date() == after.created_at.date()  # the same UTC day

    r = await w.uc.analytics.report(w.actor, w.salon_id)
    assert r.bookings_by_source[IG] == 1 and r.bookings_by_source[FB] == 1
    assert sum(r.bookings_by_source.values()) == 2
    assert set(r.bookings_by_source) == set(BookingSource)  # zeros included
    booked = {(d.date, d.source): d.bookings for d in r.daily if d.bookings}
    assert booked == {(date(2026, 11, 28), IG): 1, (date(2026, 11, 29), FB): 1}
    # Peak hours use the start in Kolkata: Sat 5 Dec 10:00, and 00:15 on Sun 6 Dec.
    assert [(p.weekday, p.hour, p.bookings) for p in r.peak_hours] == [(5, 10, 1), (6, 0, 1)]

    one_day = await w.uc.analytics.report(
        w.actor, w.salon_id, date(2026, 11, 29), date(2026, 11, 29)
    )
    assert {s: n for s, n in one_day.bookings_by_source.items() if n} == {FB: 1}
    assert [(d.date, d.source.value) for d in one_day.daily] == [
        (date(2026, 11, 29), s) for s in ("instagram", "facebook", "messenger", "story", "web")
    ]


async def test_the_funnel_divides_bookings_by_views(paid: World) -> None:
    w = paid
    await beacons(w, "instagram", VIEW, 3)
    await beacons(w, "instagram", SLOTS, 2)
    await beacons(w, "facebook", VIEW, 3)
    now = w.clock.now()
    for n, source in enumerate((IG, FB, FB, STORY, BookingSource.STAFF)):
        await add_booking(
            w,
            created=now - timedelta(minutes=n),
            start=now + timedelta(days=2, hours=n),
            source=source,
        )
    r = await w.uc.analytics.report(w.actor, w.salon_id)
    got = {s.value: (f.views, f.slot_views, f.bookings, f.conversion) for s, f in r.funnel.items()}
    assert got == {
        "instagram": (3, 2, 1, 0.3333),
        "facebook": (3, 0, 2, 0.6667),
        "messenger": (0, 0, 0, 0.0),
        "story": (0, 0, 1, 0.0),  # bookings without views: no conversion to speak of
        "web": (0, 0, 0, 0.0),
    }
    assert r.bookings_by_source[BookingSource.STAFF] == 1
    staff_rows = [d for d in r.daily if d.source == BookingSource.STAFF]
    assert [(d.date, d.bookings) for d in staff_rows] == [(date(2026, 11, 30), 1)]


async def test_popular_services_come_from_social_sources_only(paid: World) -> None:
    w = paid
    now = w.clock.now()
    slots = iter(range(100))

    def start() -> datetime:
        return now + timedelta(days=3, hours=next(slots))

    for source in (IG, STORY):
        await add_booking(w, created=now, start=start(), source=source, service=w.colour)
    await add_booking(w, created=now, start=start(), source=BookingSource.MESSENGER)
    await add_booking(w, created=now, start=start(), source=FB, status=BookingStatus.CANCELLED)
    for source in (BookingSource.STAFF, BookingSource.GOOGLE, WEB, WEB):  # not social
        await add_booking(w, created=now, start=start(), source=source)
    r = await w.uc.analytics.report(w.actor, w.salon_id)
    assert [(p.name, p.bookings) for p in r.popular_services] == [("Colour", 2), ("Cut", 2)]
    assert [p.service_id for p in r.popular_services] == [w.colour, w.cut]


async def test_rates_count_bookings_starting_in_the_range(paid: World) -> None:
    w = paid
    made = utc(2026, 10, 1)  # long before the range: rates go by start
    base = utc(2026, 11, 10, 5)
    statuses = [BookingStatus.COMPLETED] * 4 + [BookingStatus.CANCELLED] * 2
    statuses += [BookingStatus.NO_SHOW]
    for n, status in enumerate(statuses):
        await add_booking(w, created=made, start=base + timedelta(hours=n), status=status)
    await add_booking(w, created=made, start=utc(2026, 12, 10, 5))  # starts after the range
    r = await w.uc.analytics.report(w.actor, w.salon_id)
    rates = r.rates
    assert (rates.bookings, rates.cancelled, rates.no_show) == (7, 2, 1)
    assert (rates.cancellation_rate, rates.no_show_rate) == (0.2857, 0.1429)
    assert sum(r.bookings_by_source.values()) == 0  # none was created in the range
    assert r.peak_hours == []
    empty = await w.uc.analytics.report(w.actor, w.salon_id, date(2026, 1, 1), date(2026, 1, 2))
    assert (empty.rates.bookings, empty.rates.cancellation_rate, empty.rates.no_show_rate) == (
        0,
        0.0,
        0.0,
    )


async def test_peak_hours_leave_out_cancelled_bookings(paid: World) -> None:
    w = paid
    now = w.clock.now()
    start = utc(2026, 12, 2, 4, 30)  # Wednesday 10:00 in Kolkata
    await add_booking(w, created=now, start=start)
    await add_booking(w, created=now, start=start, staff=w.ben, status=BookingStatus.COMPLETED)
    await add_booking(
        w, created=now, start=start + timedelta(hours=1), status=BookingStatus.CANCELLED
    )
    r = await w.uc.analytics.report(w.actor, w.salon_id)
    assert [(p.weekday, p.hour, p.bookings) for p in r.peak_hours] == [(2, 10, 2)]


async def test_the_csv_has_a_row_per_date_and_source(paid: World) -> None:
    w = paid
    await beacons(w, "story", VIEW, 4)
    await beacons(w, "story", SLOTS, 1)
    now = w.clock.now()
    await add_booking(w, created=now, start=now + timedelta(days=2), source=STORY)
    await add_booking(w, created=now, start=now + timedelta(days=3), source=BookingSource.GOOGLE)
    span, text = await w.uc.analytics.export_csv(
        w.actor, w.salon_id, date(2026, 11, 29), date(2026, 11, 30)
    )
    assert (span.first, span.last) == (date(2026, 11, 29), date(2026, 11, 30))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "source", "views", "slot_views", "bookings"]
    assert rows[1:] == [
        ["2026-11-29", "instagram", "0", "0", "0"],
        ["2026-11-29", "facebook", "0", "0", "0"],
        ["2026-11-29", "messenger", "0", "0", "0"],
        ["2026-11-29", "story", "0", "0", "0"],
        ["2026-11-29", "web", "0", "0", "0"],
        ["2026-11-30", "instagram", "0", "0", "0"],
        ["2026-11-30", "facebook", "0", "0", "0"],
        ["2026-11-30", "messenger", "0", "0", "0"],
        ["2026-11-30", "story", "4", "1", "1"],
        ["2026-11-30", "web", "0", "0", "0"],
        ["2026-11-30", "google", "0", "0", "1"],
    ]
