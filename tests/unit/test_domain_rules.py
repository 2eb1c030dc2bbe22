"""Small domain rules: policy bounds, weekly hours, booking lifecycle, staff-booking placement."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.booking import Booking, BookingSource, BookingStatus
from domain.errors import CancellationWindowPassed, Conflict, ValidationFailed
from domain.intervals import Interval
from domain.placement import fits
from domain.salon import BookingPolicy, parse_timezone, slugify
from domain.schedule import WeeklyInterval, validate_weekly
from domain.time_range import checked_instant

T0 = datetime(2026, 12, 2, 5, 30, tzinfo=UTC)  # 11:00 in Kolkata


def booking(status: BookingStatus = BookingStatus.CONFIRMED) -> Booking:
    return Booking(
        id="b",
        salon_id="s",
        service_id="x",
        staff_id="st",
        customer_id="c",
        status=status,
        source=BookingSource.WEB,
        start=T0,
        end=T0 + timedelta(hours=1),
        occupied_until=T0 + timedelta(minutes=75),
        created_at=T0 - timedelta(days=3),
        manage_token_hash="h",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"slot_step_minutes": 7},
        {"slot_step_minutes": 240},
        {"horizon_days": 0},
        {"horizon_days": 366},
        {"lead_time_minutes": -1},
        {"surprise": 1},
    ],
)
def test_policy_rejects_out_of_range_values(changes: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed):
        BookingPolicy().merged(changes)


def test_policy_limits_are_the_errors_and_the_http_bounds() -> None:
    import msgspec

    from adapters.inbound.http.schemas.policy import PolicyBody
    from domain.salon import POLICY_LIMITS

    for name, limit in POLICY_LIMITS.items():
        for bad in (limit.minimum - 1, limit.maximum + 1):
            with pytest.raises(ValidationFailed) as caught:
                BookingPolicy().merged({name: bad})
            assert f"policy.{name}" in caught.value.fields
            with pytest.raises(msgspec.ValidationError):
                msgspec.convert({name: bad}, PolicyBody)
        assert getattr(msgspec.convert({name: limit.maximum}, PolicyBody), name) == limit.maximum


def test_policy_null_clears_an_optional_field_and_is_refused_on_the_others() -> None:
    """The HTTP body admits `null` exactly where POLICY_LIMITS says optional, the domain agrees,
    and the body has every field of BookingPolicy (absent = UNSET = left as it is)."""
    from dataclasses import fields

    import msgspec

    from adapters.inbound.http.schemas.policy import PolicyBody
    from domain.salon import POLICY_LIMITS

    names = [f.name for f in fields(BookingPolicy)]
    assert list(PolicyBody.__struct_fields__) == names
    assert all(v is msgspec.UNSET for v in msgspec.structs.astuple(PolicyBody()))
    for name in names:
        limit = POLICY_LIMITS.get(name)
        if limit is not None and limit.optional:
            assert getattr(msgspec.convert({name: None}, PolicyBody), name) is None
            assert getattr(BookingPolicy().merged({name: None}), name) is None
            continue
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert({name: None}, PolicyBody)
        with pytest.raises(ValidationFailed) as caught:
            BookingPolicy().merged({name: None})
        assert caught.value.fields == {f"policy.{name}": "required"}


def test_policy_merges_fields() -> None:
    merged = BookingPolicy().merged({"slot_step_minutes": 30, "auto_confirm": False})
    assert merged == BookingPolicy(slot_step_minutes=30, auto_confirm=False)


def test_timezones_must_be_iana_names() -> None:
    assert parse_timezone("Asia/Kathmandu").key == "Asia/Kathmandu"
    for bad in ("Mars/Base", "", "../../etc/passwd", "asia/kolkata"):
        with pytest.raises(ValidationFailed):
            parse_timezone(bad)


def test_slugs_are_ascii_and_never_empty() -> None:
    assert slugify("Glow Studio — Bandra!") == "glow-studio-bandra"
    assert slugify("ネイル") == "salon"


def test_weekly_hours_allow_touching_but_not_overlapping() -> None:
    validate_weekly(
        [
            WeeklyInterval(0, time(10), time(13)),
            WeeklyInterval(0, time(13), time(15)),
            WeeklyInterval(1, time(12), time(14)),
        ]
    )
    for bad in (
        [WeeklyInterval(0, time(10), time(13)), WeeklyInterval(0, time(12), time(15))],
        [WeeklyInterval(0, time(10), time(15)), WeeklyInterval(0, time(11), time(12))],
        [WeeklyInterval(7, time(10), time(11))],
        [WeeklyInterval(0, time(11), time(11))],
    ):
        with pytest.raises(ValidationFailed):
            validate_weekly(bad)


def test_lifecycle_transitions() -> None:
    assert booking(BookingStatus.PENDING).with_status(BookingStatus.CONFIRMED).active
    assert not booking().with_status(BookingStatus.NO_SHOW).active
    assert booking(BookingStatus.COMPLETED).with_status(BookingStatus.NO_SHOW).status == "no_show"
    same = booking()
    assert same.with_status(BookingStatus.CONFIRMED) is same
    for start, target in (
        (BookingStatus.CANCELLED, BookingStatus.CONFIRMED),
        (BookingStatus.COMPLETED, BookingStatus.CONFIRMED),
        (BookingStatus.CONFIRMED, BookingStatus.PENDING),
    ):
        with pytest.raises(Conflict):
            booking(start).with_status(target)


def test_customer_changes_stop_at_the_cancellation_window() -> None:
    b = booking()
    b.ensure_customer_may_change(T0 - timedelta(hours=24), 24)  # exactly at the limit: allowed
    with pytest.raises(CancellationWindowPassed):
        b.ensure_customer_may_change(T0 - timedelta(hours=24) + timedelta(seconds=1), 24)
    with pytest.raises(Conflict):
        booking(BookingStatus.CANCELLED).ensure_customer_may_change(T0 - timedelta(days=9), 24)


def test_staff_booking_placement_needs_hours_and_no_overlap() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    weekly = [WeeklyInterval(2, time(10), time(13)), WeeklyInterval(2, time(14), time(18))]
    hour, buffer = timedelta(hours=1), timedelta(minutes=15)
    assert fits(weekly, [], kolkata, T0, hour, buffer)  # Wed 11:00-12:00
    assert fits(weekly, [], kolkata, T0 + timedelta(minutes=7), hour, buffer)  # off grid is fine
    assert not fits(weekly, [], kolkata, T0 + timedelta(hours=1, minutes=30), hour, buffer)  # break
    busy = [Interval(T0 + timedelta(minutes=75), T0 + timedelta(hours=2))]
    assert fits(weekly, busy, kolkata, T0, hour, buffer)  # the buffer touches: fine
    assert not fits(weekly, busy, kolkata, T0 + timedelta(minutes=1), hour, buffer)
    assert not fits(weekly, [], kolkata, T0 + timedelta(days=1), hour, buffer)  # Thursday: off


def test_instants_must_be_in_a_sane_range() -> None:
    assert checked_instant(T0, "start") == T0
    for bad in (
        datetime(1970, 6, 1, tzinfo=UTC),
        datetime(2200, 1, 1, tzinfo=UTC),
        datetime.max.replace(tzinfo=UTC),
    ):
        with pytest.raises(ValidationFailed):
            checked_instant(bad, "start")
