"""Offered start instants, per API.md "Availability — the exact rule".

Works with sets of instants instead of scanning minutes: for each staff member and salon-local
date, the starts that fit a working interval, minus the starts whose occupied span would hit a
blocked interval, clipped to [earliest, latest); the day's grid is then bisected into what is left.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.intervals import Interval, merge, subtract
from domain.schedule import WeeklyInterval

# datetimes are exact to the microsecond, so one microsecond turns a closed end or an open start
# into a half-open bound without changing the set of instants.
_EPS = timedelta(microseconds=1)
_MINUTES_PER_DAY = 1440


@dataclass(frozen=True, slots=True)
class StaffCalendar:
    """What decides one staff member's availability.

    `blocked` holds time off and the spans occupied by other bookings
    ([start, start + duration + buffer)); it may be unsorted and overlapping.
    """

    staff_id: str
    weekly: Sequence[WeeklyInterval]
    blocked: Sequence[Interval]


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """Salon-local dates `first_date` to `first_date + days - 1` for one service's duration/buffer.

    `earliest` (inclusive) and `latest` (exclusive) are aware instants: now + lead time and
    now + horizon.
    """

    tz: ZoneInfo
    first_date: date
    days: int
    duration: timedelta
    buffer_after: timedelta
    step_minutes: int
    earliest: datetime
    latest: datetime

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("days must be at least 1")
        if self.step_minutes <= 0 or _MINUTES_PER_DAY % self.step_minutes:
            raise ValueError("step_minutes must divide 1440")
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.buffer_after < timedelta(0):
            raise ValueError("buffer_after must not be negative")
        _utc(self.earliest)
        _utc(self.latest)


@dataclass(frozen=True, slots=True)
class Slot:
    """One offered start (UTC) and every staff member offering it, sorted by id."""

    start: datetime
    end: datetime
    staff_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Prepared:
    staff_id: str
    weekly_by_day: dict[int, tuple[WeeklyInterval, ...]]
    # Merged blocked intervals in UTC: disjoint, so starts and ends are both sorted.
    blocked_starts: list[datetime]
    blocked_ends: list[datetime]


def compute_slots(query: SlotQuery, calendars: Sequence[StaffCalendar]) -> list[Slot]:
    """Return every offered start across `calendars`, sorted by start, datetimes in UTC."""
    prepared = [_prepare(calendar) for calendar in calendars]
    offered: dict[datetime, set[str]] = {}
    for offset in range(query.days):
        day = query.first_date + timedelta(days=offset)
        # Staff usually share their hours, so each distinct set of hours is converted once a day.
        windows_by_hours: dict[tuple[WeeklyInterval, ...], list[Interval]] = {}
        feasible: list[tuple[str, list[Interval]]] = []
        for calendar in prepared:
            hours = calendar.weekly_by_day.get(day.weekday(), ())
            if hours not in windows_by_hours:
                windows_by_hours[hours] = _windows(query, day, hours)
            pieces = _unblocked(query, calendar, windows_by_hours[hours])
            if pieces:
                feasible.append((calendar.staff_id, pieces))
        if not feasible:
            continue
        grid = _grid(day, query.tz, query.step_minutes)
        for staff_id, pieces in feasible:
            for piece in pieces:
                for start in grid[bisect_left(grid, piece.start) : bisect_left(grid, piece.end)]:
                    offered.setdefault(start, set()).add(staff_id)
    return [
        Slot(start, start + query.duration, tuple(sorted(staff_ids)))
        for start, staff_ids in sorted(offered.items())
    ]


def is_offered(query: SlotQuery, calendar: StaffCalendar, start: datetime) -> bool:
    """Tell whether `start` is offered for `calendar`'s staff member.

    The local date checked is always `start`'s own, so `query.first_date` and `query.days` are
    not consulted.
    """
    instant = _utc(start)
    if not _on_grid(instant, query.tz, query.step_minutes):
        return False
    day = local_date_of(instant, query.tz)
    prepared = _prepare(calendar)
    windows = _windows(query, day, prepared.weekly_by_day.get(day.weekday(), ()))
    return any(piece.start <= instant < piece.end for piece in _unblocked(query, prepared, windows))


def nearest(slots: Sequence[Slot], target: datetime, limit: int = 5) -> list[Slot]:
    """Return up to `limit` slots closest to `target` by start; on a tie the earlier one first."""
    if limit <= 0:
        return []
    return sorted(slots, key=lambda slot: (abs(slot.start - target), slot.start))[:limit]


def local_date_of(instant: datetime, tz: ZoneInfo) -> date:
    """Return the salon-local calendar date of an aware instant."""
    return _utc(instant).astimezone(tz).date()


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is UTC:
        return instant
    if instant.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return instant.astimezone(UTC)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) a local date begins: its 00:00, converted like every wall time here."""
    return _local_instant(day, time(), tz)


def _local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # fold=0 picks the first occurrence of an ambiguous time; a gap time gets the pre-gap offset.
    return datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=tz).astimezone(UTC)


@lru_cache(maxsize=8192)
def _grid(day: date, tz: ZoneInfo, step_minutes: int) -> tuple[datetime, ...]:
    """The day's grid instants in UTC, sorted; wall times inside a DST gap are left out.

    Cached: a grid depends only on its arguments, and building one was the engine's largest cost
    in the profile (bench/README.md)."""
    # Adding to an aware datetime is wall-clock arithmetic, and fold stays 0 (first occurrence).
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    walls = [midnight + timedelta(minutes=m) for m in range(0, _MINUTES_PER_DAY, step_minutes)]
    # A wall time inside a DST gap comes back from UTC as another wall time: it does not exist.
    # (Datetimes sharing one tzinfo compare by their wall-clock fields.)
    instants = [i for wall in walls if (i := wall.astimezone(UTC)).astimezone(tz) == wall]
    instants.sort()
    return tuple(instants)


def _on_grid(instant: datetime, tz: ZoneInfo, step_minutes: int) -> bool:
    local = instant.astimezone(tz)
    if local.second or local.microsecond or (local.hour * 60 + local.minute) % step_minutes:
        return False
    # The second occurrence of an ambiguous wall time is not a grid instant.
    return local.replace(fold=0).astimezone(UTC) == instant


def _prepare(calendar: StaffCalendar) -> _Prepared:
    weekly_by_day: dict[int, tuple[WeeklyInterval, ...]] = {}
    for item in calendar.weekly:
        weekly_by_day[item.weekday] = (*weekly_by_day.get(item.weekday, ()), item)
    # The same coalescing as intervals.merge, on plain tuples: this runs over every booking.
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in sorted((_utc(b.start), _utc(b.end)) for b in calendar.blocked):
        if start >= end:
            continue
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return _Prepared(calendar.staff_id, weekly_by_day, starts, ends)


def _windows(query: SlotQuery, day: date, hours: Sequence[WeeklyInterval]) -> list[Interval]:
    """Starts (UTC) that fit one of `hours` on `day` and lie in [earliest, latest), merged."""
    earliest, latest = _utc(query.earliest), _utc(query.latest)
    windows: list[Interval] = []
    for item in hours:
        work_start = _local_instant(day, item.start, query.tz)
        work_end = _local_instant(day, item.end, query.tz)
        # Starts in the closed range [work_start, work_end - duration] fit this interval.
        windows.append(
            Interval(max(work_start, earliest), min(work_end - query.duration + _EPS, latest))
        )
    return merge(windows)


def _unblocked(query: SlotQuery, calendar: _Prepared, windows: list[Interval]) -> list[Interval]:
    """The part of `windows` where a start's occupied span hits none of the blocked intervals."""
    if not windows:
        return []
    occupied = query.duration + query.buffer_after
    low, high = windows[0].start, windows[-1].end
    # A blocked [bs, be) rules out the open range (bs - occupied, be) of starts; only the blocked
    # intervals whose range can reach [low, high) matter.
    first = bisect_right(calendar.blocked_ends, low)
    last = bisect_left(calendar.blocked_starts, high + occupied)
    holes = [
        Interval(block_start - occupied + _EPS, block_end)
        for block_start, block_end in zip(
            calendar.blocked_starts[first:last], calendar.blocked_ends[first:last], strict=True
        )
    ]
    return subtract(windows, holes)
