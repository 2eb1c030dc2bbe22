from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain.intervals import Interval
from domain.schedule import TimeOff, WeeklyInterval


class ScheduleRepository(Protocol):
    """Weekly hours and time off of staff members.

    `set_weekly` replaces the whole week and keeps the given order. `time_off_between` returns,
    per staff id, time off overlapping [start, end) (half-open), as intervals.
    """

    async def set_weekly(self, staff_id: str, weekly: Sequence[WeeklyInterval]) -> None: ...

    async def weekly(self, staff_ids: Sequence[str]) -> Mapping[str, Sequence[WeeklyInterval]]:
        """Every asked id is a key (an empty list when it has no hours)."""
        ...

    async def add_time_off(self, time_off: TimeOff) -> None: ...

    async def time_off(self, staff_id: str) -> Sequence[TimeOff]:
        """Sorted by start."""
        ...

    async def delete_time_off(self, staff_id: str, time_off_id: str) -> bool:
        """True when a row was removed."""
        ...

    async def time_off_between(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[Interval]]: ...
