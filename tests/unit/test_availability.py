"""The availability engine against a minute-by-minute oracle of API.md's rule, plus examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.availability import (
    Slot,
    SlotQuery,
    StaffCalendar,
    compute_slots,
    is_offered,
    local_date_of,
    nearest,
)
from domain.intervals import Interval
from domain.schedule import WeeklyInterval

NEW_YORK = ZoneInfo("America/New_York")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
SANTIAGO = ZoneInfo("America/Santiago")

ZONES = [
    "UTC",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "America/New_York",
    "Europe/London",
    "America/Santiago",
    "Asia/Tehran",
]

# Local dates of the 2026 offset changes (Santiago's April change happens at 24:00 on the 4th).
TRANSITIONS: dict[str, list[date]] = {
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],
    "Pacific/Chatham": [date(2026, 4, 5), date(2026, 9, 27)],
    "America/Santiago": [date(2026, 4, 4), date(2026, 4, 5), date(2026, 9, 6)],
}

STEPS = [d for d in range(5, 121) if 1440 % d == 0]
MINUTE = timedelta(minutes=1)


# --- the oracle: API.md's rule applied literally, one local wall-clock minute at a time ---------


def wall_to_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def oracle_grid(day: date, tz: ZoneInfo, step: int) -> list[datetime]:
    grid = []
    for minute in range(1440):
        if minute % step:
            continue
        wall = datetime.combine(day, time(minute // 60, minute % 60))
        instant = wall.replace(tzinfo=tz).astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) != wall:
            continue  # inside a DST gap: this wall time does not exist
        grid.append(instant)
    return grid


def oracle_conditions(query: SlotQuery, calendar: StaffCalendar, day: date, t: datetime) -> bool:
    fits = any(
        wall_to_instant(day, w.start, query.tz) <= t
        and t + query.duration <= wall_to_instant(day, w.end, query.tz)
        for w in calendar.weekly
        if w.weekday == day.weekday()
    )
    span_end = t + query.duration + query.buffer_after
    free = not any(b.start < b.end and t < b.end and b.start < span_end for b in calendar.blocked)
    return fits and free and query.earliest <= t < query.latest


def oracle_slots(query: SlotQuery, calendars: list[StaffCalendar]) -> list[Slot]:
    slots = []
    for offset in range(query.days):
        day = query.first_date + timedelta(days=offset)
        for t in oracle_grid(day, query.tz, query.step_minutes):
            staff = sorted(c.staff_id for c in calendars if oracle_conditions(query, c, day, t))
            if staff:
                slots.append(Slot(t, t + query.duration, tuple(staff)))
    return sorted(slots, key=lambda s: s.start)


# --- random scenarios -------------------------------------------------------------------------

boundary_minutes = st.one_of(
    st.sampled_from([*range(0, 1440, 15), 1439]),
    st.integers(0, 1439),
)


@st.composite
def weekly_hours(draw: st.DrawFn) -> list[WeeklyInterval]:
    """Valid hours: per weekday, sorted boundaries paired up; neighbours touch or leave breaks."""
    if not draw(st.integers(0, 2)):
        # Open all day, so DST gaps and folds fall inside working hours.
        return [WeeklyInterval(weekday, time(0), time(23, 59)) for weekday in range(7)]
    weekly = []
    for weekday in range(7):
        points = sorted(draw(st.lists(boundary_minutes, min_size=2, max_size=6, unique=True)))
        for start, end in pairwise(points):
            if draw(st.integers(0, 3)):
                weekly.append(
                    WeeklyInterval(
                        weekday, time(start // 60, start % 60), time(end // 60, end % 60)
                    )
                )
    return weekly


def minute_offsets(low: int, high: int) -> st.SearchStrategy[timedelta]:
    """Offsets mostly on 5-minute marks (to hit touching cases), sometimes off by microseconds."""
    minutes = st.one_of(
        st.integers(low // 5, high // 5).map(lambda m: m * 5), st.integers(low, high)
    )
    jitter = st.one_of(st.just(0), st.just(1), st.just(-1), st.integers(-60_000_000, 60_000_000))
    return st.builds(lambda m, us: m * MINUTE + timedelta(microseconds=us), minutes, jitter)


@st.composite
def scenarios(draw: st.DrawFn, max_staff: int = 3) -> tuple[SlotQuery, list[StaffCalendar]]:
    zone = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(zone)
    days = draw(st.integers(1, 3))
    if zone in TRANSITIONS and draw(st.integers(0, 3)):
        near = draw(st.sampled_from(TRANSITIONS[zone]))
        first_date = near - timedelta(days=draw(st.integers(0, days - 1)))
    else:
        first_date = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
    origin = datetime.combine(first_date, time(0), tzinfo=tz).astimezone(UTC)
    span = days * 1440

    staff_ids = draw(
        st.lists(
            st.sampled_from(["a", "b", "c", "B", "10", "9"]),
            min_size=1,
            max_size=max_staff,
            unique=True,
        )
    )
    calendars = []
    for staff_id in staff_ids:
        blocked = []
        for _ in range(draw(st.integers(0, 8))):
            start = origin + draw(minute_offsets(-1440, span + 1440))
            end = start + draw(minute_offsets(-10, 300))
            shown_in = draw(st.sampled_from([UTC, tz]))
            blocked.append(Interval(start.astimezone(shown_in), end.astimezone(shown_in)))
        calendars.append(StaffCalendar(staff_id, draw(weekly_hours()), blocked))

    if draw(st.booleans()):
        earliest = origin + draw(minute_offsets(-1440, span))
        latest = earliest + draw(minute_offsets(-60, span + 1440))
    else:
        earliest, latest = origin - timedelta(days=30), origin + timedelta(days=30)
    query = SlotQuery(
        tz=tz,
        first_date=first_date,
        days=days,
        duration=draw(st.integers(5, 240)) * MINUTE,
        buffer_after=draw(st.integers(0, 60)) * MINUTE,
        step_minutes=draw(st.sampled_from(STEPS)),
        earliest=earliest.astimezone(draw(st.sampled_from([UTC, tz]))),
        latest=latest,
    )
    return query, calendars


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_compute_slots_matches_oracle(scenario: tuple[SlotQuery, list[StaffCalendar]]) -> None:
    query, calendars = scenario
    slots = compute_slots(query, calendars)
    assert slots == oracle_slots(query, calendars)
    for slot in slots:
        assert slot.start.tzinfo is UTC
        assert slot.end.tzinfo is UTC
        assert slot.end == slot.start + query.duration


@settings(max_examples=300, deadline=None)
@given(scenarios(max_staff=1))
def test_is_offered_matches_oracle(scenario: tuple[SlotQuery, list[StaffCalendar]]) -> None:
    query, [calendar] = scenario
    offered_by_day: dict[date, set[datetime]] = {}

    def expected(t: datetime) -> bool:
        day = local_date_of(t, query.tz)
        if day not in offered_by_day:
            one_day = replace(query, first_date=day, days=1)
            offered_by_day[day] = {s.start for s in oracle_slots(one_day, [calendar])}
        return t in offered_by_day[day]

    for t in oracle_grid(query.first_date, query.tz, query.step_minutes):
        second_occurrence = t.astimezone(query.tz).replace(fold=1).astimezone(UTC)
        for candidate in {t, t + timedelta(microseconds=1), t + MINUTE, second_occurrence}:
            assert is_offered(query, calendar, candidate) == expected(candidate), candidate


def test_transition_dates_are_real() -> None:
    for zone, days in TRANSITIONS.items():
        tz = ZoneInfo(zone)
        for day in days:
            before = datetime.combine(day - timedelta(days=1), time(12), tzinfo=tz).utcoffset()
            after = datetime.combine(day + timedelta(days=1), time(12), tzinfo=tz).utcoffset()
            assert before != after, (zone, day)


# --- examples ---------------------------------------------------------------------------------

MONDAY = date(2026, 6, 1)


def every_day(*hours: tuple[str, str]) -> list[WeeklyInterval]:
    return [
        WeeklyInterval(weekday, time.fromisoformat(start), time.fromisoformat(end))
        for weekday in range(7)
        for start, end in hours
    ]


def make_query(
    *,
    tz: ZoneInfo | None = None,
    first_date: date = MONDAY,
    days: int = 1,
    duration: int = 60,
    buffer_after: int = 0,
    step: int = 30,
    earliest: datetime | None = None,
    latest: datetime | None = None,
) -> SlotQuery:
    return SlotQuery(
        tz=tz or ZoneInfo("UTC"),
        first_date=first_date,
        days=days,
        duration=duration * MINUTE,
        buffer_after=buffer_after * MINUTE,
        step_minutes=step,
        earliest=earliest or datetime(2020, 1, 1, tzinfo=UTC),
        latest=latest or datetime(2030, 1, 1, tzinfo=UTC),
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def starts(slots: list[Slot]) -> list[str]:
    return [s.start.isoformat() for s in slots]


def on_monday(*hhmm: str) -> list[str]:
    return [f"2026-06-01T{x}:00+00:00" for x in hhmm]


def test_plain_day() -> None:
    calendar = StaffCalendar("s1", every_day(("09:00", "12:00")), [])
    slots = compute_slots(make_query(), [calendar])
    assert starts(slots) == on_monday("09:00", "09:30", "10:00", "10:30", "11:00")
    assert slots[0] == Slot(utc("2026-06-01T09:00Z"), utc("2026-06-01T10:00Z"), ("s1",))


def test_break_between_intervals() -> None:
    calendar = StaffCalendar("s1", every_day(("09:00", "11:00"), ("13:00", "15:00")), [])
    slots = compute_slots(make_query(), [calendar])
    assert starts(slots) == on_monday("09:00", "09:30", "10:00", "13:00", "13:30", "14:00")


def test_slot_must_fit_one_interval_even_when_intervals_touch() -> None:
    calendar = StaffCalendar("s1", every_day(("09:00", "10:00"), ("10:00", "11:00")), [])
    assert starts(compute_slots(make_query(), [calendar])) == on_monday("09:00", "10:00")


def test_buffer_blocks_start_before_booking_and_may_run_past_closing() -> None:
    booking = Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T11:15Z"))
    calendar = StaffCalendar("s1", every_day(("08:00", "13:00")), [booking])
    slots = compute_slots(make_query(buffer_after=15, step=15), [calendar])
    assert starts(slots) == on_monday(
        "08:00", "08:15", "08:30", "08:45", "11:15", "11:30", "11:45", "12:00"
    )


def test_touching_booking_is_allowed() -> None:
    booking = Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T11:00Z"))
    calendar = StaffCalendar("s1", every_day(("09:00", "12:00")), [booking])
    assert starts(compute_slots(make_query(), [calendar])) == on_monday("09:00", "11:00")


def test_empty_blocked_interval_blocks_nothing() -> None:
    empty = Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T10:00Z"))
    calendar = StaffCalendar("s1", every_day(("09:00", "11:00")), [empty])
    assert starts(compute_slots(make_query(), [calendar])) == on_monday("09:00", "09:30", "10:00")


def test_lead_time_inclusive_and_horizon_exclusive() -> None:
    calendar = StaffCalendar("s1", every_day(("09:00", "13:00")), [])
    query = make_query(earliest=utc("2026-06-01T10:00:00.000001Z"), latest=utc("2026-06-01T11:00Z"))
    assert starts(compute_slots(query, [calendar])) == on_monday("10:30")
    query = make_query(earliest=utc("2026-06-01T10:00Z"), latest=utc("2026-06-01T11:00:00.000001Z"))
    assert starts(compute_slots(query, [calendar])) == on_monday("10:00", "10:30", "11:00")


def test_new_york_spring_forward_skips_the_gap() -> None:
    calendar = StaffCalendar("s1", every_day(("01:00", "04:00")), [])
    query = make_query(tz=NEW_YORK, first_date=date(2026, 3, 8), duration=30)
    assert starts(compute_slots(query, [calendar])) == [
        "2026-03-08T06:00:00+00:00",  # 01:00 EST
        "2026-03-08T06:30:00+00:00",  # 01:30 EST
        "2026-03-08T07:00:00+00:00",  # 03:00 EDT; 02:00 and 02:30 do not exist
        "2026-03-08T07:30:00+00:00",  # 03:30 EDT
    ]


def test_gap_not_a_multiple_of_the_step_offers_nothing_inside_it() -> None:
    # Lord Howe skips 02:00-02:30; read with fold=0, 02:00 would land on 02:30, which is off-grid.
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    calendar = StaffCalendar("s1", every_day(("01:00", "04:00")), [])
    query = make_query(tz=lord_howe, first_date=date(2026, 10, 4), step=60)
    local = [s.start.astimezone(lord_howe).isoformat() for s in compute_slots(query, [calendar])]
    assert local == ["2026-10-04T01:00:00+10:30", "2026-10-04T03:00:00+11:00"]
    # New York at step 45: 02:15 does not exist and must not turn into 03:15.
    calendar = StaffCalendar("s1", every_day(("01:30", "04:30")), [])
    query = make_query(tz=NEW_YORK, first_date=date(2026, 3, 8), duration=30, step=45)
    local = [s.start.astimezone(NEW_YORK).isoformat() for s in compute_slots(query, [calendar])]
    assert local == [
        "2026-03-08T01:30:00-05:00",
        "2026-03-08T03:00:00-04:00",
        "2026-03-08T03:45:00-04:00",
    ]


def test_working_bound_inside_gap_is_converted_the_default_way() -> None:
    # 02:30 does not exist; fold=0 reads it with EST, i.e. 07:30Z = 03:30 EDT.
    calendar = StaffCalendar("s1", every_day(("02:30", "05:00")), [])
    query = make_query(tz=NEW_YORK, first_date=date(2026, 3, 8), duration=30)
    assert starts(compute_slots(query, [calendar])) == [
        "2026-03-08T07:30:00+00:00",
        "2026-03-08T08:00:00+00:00",
        "2026-03-08T08:30:00+00:00",
    ]


def test_new_york_fall_back_offers_ambiguous_time_once() -> None:
    calendar = StaffCalendar("s1", every_day(("01:00", "03:00")), [])
    query = make_query(tz=NEW_YORK, first_date=date(2026, 11, 1), duration=30)
    slots = compute_slots(query, [calendar])
    local = [s.start.astimezone(NEW_YORK).isoformat() for s in slots]
    assert local == [
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T02:00:00-05:00",
        "2026-11-01T02:30:00-05:00",
    ]
    second_half_past_one = utc("2026-11-01T01:30-05:00")
    assert not is_offered(query, calendar, second_half_past_one)
    assert is_offered(query, calendar, utc("2026-11-01T01:30-04:00"))


def test_santiago_midnight_does_not_exist_on_spring_forward() -> None:
    calendar = StaffCalendar("s1", every_day(("00:00", "02:00")), [])
    query = make_query(tz=SANTIAGO, first_date=date(2026, 9, 6), duration=30)
    assert starts(compute_slots(query, [calendar])) == [
        "2026-09-06T04:00:00+00:00",  # 01:00 -03; 00:00 and 00:30 do not exist
        "2026-09-06T04:30:00+00:00",
    ]


def test_kathmandu_quarter_hour_offset() -> None:
    calendar = StaffCalendar("s1", every_day(("09:00", "10:00")), [])
    query = make_query(tz=KATHMANDU, duration=30, step=15)
    assert starts(compute_slots(query, [calendar])) == [
        "2026-06-01T03:15:00+00:00",
        "2026-06-01T03:30:00+00:00",
        "2026-06-01T03:45:00+00:00",
    ]
    assert local_date_of(utc("2026-06-01T18:15Z"), KATHMANDU) == date(2026, 6, 2)
    assert local_date_of(utc("2026-06-01T18:14Z"), KATHMANDU) == date(2026, 6, 1)


def test_staff_ids_are_merged_and_sorted_as_strings() -> None:
    busy = Interval(utc("2026-06-01T09:00Z"), utc("2026-06-01T10:00Z"))
    calendars = [
        StaffCalendar("9", every_day(("09:00", "11:00")), []),
        StaffCalendar("10", every_day(("09:00", "11:00")), [busy]),
    ]
    slots = compute_slots(make_query(), calendars)
    assert [(s.start.isoformat(), s.staff_ids) for s in slots] == [
        ("2026-06-01T09:00:00+00:00", ("9",)),
        ("2026-06-01T09:30:00+00:00", ("9",)),
        ("2026-06-01T10:00:00+00:00", ("10", "9")),
    ]


def test_only_hours_of_each_dates_weekday_count() -> None:
    monday_only = [WeeklyInterval(0, time(9), time(10))]
    calendar = StaffCalendar("s1", monday_only, [])
    slots = compute_slots(make_query(first_date=date(2026, 5, 30), days=7), [calendar])
    assert starts(slots) == on_monday("09:00")


def test_is_offered_rejects_off_grid_and_blocked_starts() -> None:
    booking = Interval(utc("2026-06-01T10:00Z"), utc("2026-06-01T11:00Z"))
    calendar = StaffCalendar("s1", every_day(("09:00", "12:00")), [booking])
    query = make_query()
    assert is_offered(query, calendar, utc("2026-06-01T09:00Z"))
    assert is_offered(query, calendar, utc("2026-06-01T11:00Z"))
    assert not is_offered(query, calendar, utc("2026-06-01T09:15Z"))
    assert not is_offered(query, calendar, utc("2026-06-01T09:00:01Z"))
    assert not is_offered(query, calendar, utc("2026-06-01T09:30Z"))


def test_nearest_orders_by_distance_then_earlier_first() -> None:
    def slot(hhmm: str) -> Slot:
        start = utc(f"2026-06-01T{hhmm}Z")
        return Slot(start, start + MINUTE * 30, ("s1",))

    slots = [slot(x) for x in ("08:00", "09:00", "09:30", "10:30", "11:00", "12:00")]
    target = utc("2026-06-01T10:00Z")
    assert nearest(slots, target, limit=4) == [
        slot("09:30"),  # 30 min before wins the tie with 10:30
        slot("10:30"),
        slot("09:00"),  # 60 min before wins the tie with 11:00
        slot("11:00"),
    ]
    assert len(nearest(slots, target)) == 5
    assert nearest(slots, target, limit=0) == []
    assert nearest([], target) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"days": 0},
        {"step_minutes": 7},
        {"step_minutes": 0},
        {"duration": timedelta(0)},
        {"buffer_after": -MINUTE},
        {"earliest": datetime(2026, 1, 1)},
    ],
)
def test_query_rejects_bad_parameters(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(make_query(), **changes)
