"""Staff working hours (weekly, salon-local wall clock) and time off (instants)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from itertools import pairwise

from domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class WeeklyInterval:
    """One working interval on a weekday (0 = Monday), salon-local wall clock, start < end."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class TimeOff:
    id: str
    staff_id: str
    start: datetime
    end: datetime
    reason: str | None


def validate_weekly(intervals: Sequence[WeeklyInterval]) -> None:
    """Raise ValidationFailed on a bad weekday, start >= end, or overlapping intervals."""
    errors: dict[str, str] = {}
    for i, item in enumerate(intervals):
        if not 0 <= item.weekday <= 6:
            errors[f"weekly[{i}].weekday"] = "must be 0 (Monday) to 6 (Sunday)"
        if item.start >= item.end:
            errors[f"weekly[{i}].end"] = "must be after start on the same day"
    if errors:
        raise ValidationFailed("Invalid working hours.", errors)
    by_day = sorted(enumerate(intervals), key=lambda p: (p[1].weekday, p[1].start))
    for (_, prev), (j, cur) in pairwise(by_day):
        if prev.weekday == cur.weekday and cur.start < prev.end:
            errors[f"weekly[{j}]"] = "overlaps another interval of the same weekday"
    if errors:
        raise ValidationFailed("Working hours overlap.", errors)
