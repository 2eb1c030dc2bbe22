"""Interval arithmetic checked against a model where an interval is its set of whole minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intervals import Interval, merge, overlaps, subtract

BASE = datetime(2026, 3, 8, tzinfo=UTC)


def at(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


def iv(start: int, end: int) -> Interval:
    return Interval(at(start), at(end))


def minutes_of(interval: Interval) -> set[int]:
    first = (interval.start - BASE) // timedelta(minutes=1)
    last = (interval.end - BASE) // timedelta(minutes=1)
    return set(range(first, last))


def union(intervals: list[Interval]) -> set[int]:
    return set().union(*(minutes_of(i) for i in intervals))


intervals_st = st.builds(
    lambda start, length: iv(start, start + length),
    st.integers(0, 60),
    st.integers(-3, 20),
)


def assert_canonical(pieces: list[Interval]) -> None:
    """Sorted, non-empty, and neither overlapping nor touching."""
    for piece in pieces:
        assert piece.start < piece.end
    for prev, cur in pairwise(pieces):
        assert prev.end < cur.start


@settings(max_examples=300, deadline=None)
@given(st.lists(intervals_st, max_size=8))
def test_merge_matches_minute_model(intervals: list[Interval]) -> None:
    merged = merge(intervals)
    assert_canonical(merged)
    assert union(merged) == union(intervals)


@settings(max_examples=300, deadline=None)
@given(st.lists(intervals_st, max_size=6), st.lists(intervals_st, max_size=6))
def test_subtract_matches_minute_model(base: list[Interval], holes: list[Interval]) -> None:
    result = subtract(base, holes)
    assert_canonical(result)
    assert union(result) == union(base) - union(holes)


@settings(max_examples=300, deadline=None)
@given(intervals_st, intervals_st)
def test_overlaps_matches_minute_model(a: Interval, b: Interval) -> None:
    assert overlaps(a, b) == bool(minutes_of(a) & minutes_of(b))
    assert overlaps(a, b) == overlaps(b, a)


def test_merge_coalesces_touching_and_overlapping() -> None:
    assert merge([iv(30, 40), iv(0, 10), iv(10, 20), iv(35, 50)]) == [iv(0, 20), iv(30, 50)]


def test_merge_drops_empty() -> None:
    assert merge([iv(5, 5), iv(9, 3)]) == []


def test_subtract_splits_and_trims() -> None:
    assert subtract([iv(0, 60)], [iv(10, 20), iv(50, 70), iv(-5, 2)]) == [
        iv(2, 10),
        iv(20, 50),
    ]


def test_subtract_hole_spanning_several_pieces() -> None:
    assert subtract([iv(40, 50), iv(0, 10), iv(20, 30)], [iv(5, 45)]) == [iv(0, 5), iv(45, 50)]


def test_touching_is_not_overlapping() -> None:
    assert not overlaps(iv(0, 10), iv(10, 20))
    assert overlaps(iv(0, 11), iv(10, 20))
    assert not overlaps(iv(5, 5), iv(0, 10))


def test_mixed_zones_compare_as_instants() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    local = Interval(at(0).astimezone(kolkata), at(30).astimezone(kolkata))
    assert merge([local, iv(30, 60)]) == [Interval(at(0), at(60))]
    assert overlaps(local, iv(29, 31))
