"""Half-open interval arithmetic on aware datetimes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter


@dataclass(frozen=True, slots=True)
class Interval:
    """The instants in [start, end); empty when end <= start."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        # Kept in UTC: Python compares two datetimes of one zone by wall clock, ignoring `fold`,
        # so 01:30 and the repeated 01:30 of a DST fall-back would compare equal (found by the
        # availability oracle test: a 30-minute block read as empty).
        if self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if self.end.tzinfo is not UTC:
            object.__setattr__(self, "end", self.end.astimezone(UTC))

    @property
    def is_empty(self) -> bool:
        return self.end <= self.start


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Return the union of `intervals` as sorted, non-empty pieces that neither overlap nor touch.

    Empty intervals are dropped; overlapping or touching ones are coalesced.
    """
    merged: list[Interval] = []
    for item in sorted((i for i in intervals if i.start < i.end), key=attrgetter("start")):
        if merged and item.start <= merged[-1].end:
            if item.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, item.end)
        else:
            merged.append(item)
    return merged


def subtract(base: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """Return the instants of `base` that lie in none of `holes`, as sorted non-empty pieces.

    Both inputs may be unsorted and overlapping; the pieces returned neither overlap nor touch.
    """
    cuts = merge(holes)
    result: list[Interval] = []
    first = 0
    for piece in merge(base):
        # Pieces are sorted, so a cut ending before this piece cannot reach any later piece.
        while first < len(cuts) and cuts[first].end <= piece.start:
            first += 1
        start = piece.start
        index = first
        while index < len(cuts) and cuts[index].start < piece.end:
            if cuts[index].start > start:
                result.append(Interval(start, cuts[index].start))
            start = max(start, cuts[index].end)
            index += 1
        if start < piece.end:
            result.append(Interval(start, piece.end))
    return result


def overlaps(a: Interval, b: Interval) -> bool:
    """Tell whether `a` and `b` share an instant; touching intervals do not overlap."""
    return not a.is_empty and not b.is_empty and a.start < b.end and b.start < a.end
