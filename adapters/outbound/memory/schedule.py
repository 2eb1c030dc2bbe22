"""The in-memory ScheduleRepository: weekly hours and time off.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from application.ports.schedule_repository import ScheduleRepository
from domain.intervals import Interval
from domain.schedule import TimeOff, WeeklyInterval

from .store import MemoryState


class InMemoryScheduleRepository(ScheduleRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def set_weekly(self, staff_id: str, weekly: Sequence[WeeklyInterval]) -> None:
        self._s.weekly[staff_id] = list(weekly)

    async def weekly(self, staff_ids: Sequence[str]) -> Mapping[str, Sequence[WeeklyInterval]]:
        return {sid: list(self._s.weekly.get(sid, [])) for sid in staff_ids}

    async def add_time_off(self, time_off: TimeOff) -> None:
        self._s.time_off[time_off.id] = time_off

    async def time_off(self, staff_id: str) -> Sequence[TimeOff]:
        found = [t for t in self._s.time_off.values() if t.staff_id == staff_id]
        return sorted(found, key=lambda t: (t.start, t.id))

    async def delete_time_off(self, staff_id: str, time_off_id: str) -> bool:
        found = self._s.time_off.get(time_off_id)
        if found is None or found.staff_id != staff_id:
            return False
        del self._s.time_off[time_off_id]
        return True

    async def time_off_between(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[Interval]]:
        out: dict[str, list[Interval]] = {sid: [] for sid in staff_ids}
        for t in self._s.time_off.values():
            if t.staff_id in out and t.start < end and start < t.end:
                out[t.staff_id].append(Interval(t.start, t.end))
        return out
