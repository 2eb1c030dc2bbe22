"""Where a staff-made booking may go: inside working hours, off the grid allowed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.intervals import Interval
from domain.schedule import WeeklyInterval


def working_intervals(weekly: Sequence[WeeklyInterval], tz: ZoneInfo, day: date) -> list[Interval]:
    """The day's working intervals as instants (wall clock -> instant with fold=0)."""
    return [
        Interval(
            datetime.combine(day, w.start, tzinfo=tz).astimezone(UTC),
            datetime.combine(day, w.end, tzinfo=tz).astimezone(UTC),
        )
        for w in weekly
        if w.weekday == day.weekday()
    ]


def fits(
    weekly: Sequence[WeeklyInterval],
    blocked: Sequence[Interval],
    tz: ZoneInfo,
    start: datetime,
    duration: timedelta,
    buffer_after: timedelta,
) -> bool:
    """[start, start+duration) inside one working interval of start's local date, and
    [start, start+duration+buffer) clear of every blocked interval (touching is fine)."""
    day = start.astimezone(tz).date()
    end = start + duration
    inside = any(w.start <= start and end <= w.end for w in working_intervals(weekly, tz, day))
    occupied_until = end + buffer_after
    return inside and not any(b.start < occupied_until and start < b.end for b in blocked)
