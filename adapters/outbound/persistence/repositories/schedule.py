"""Weekly working hours and time off of staff members."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.schedule_repository import ScheduleRepository
from domain.intervals import Interval
from domain.schedule import TimeOff, WeeklyInterval

from ..errors import guarded_write
from ..tables import time_off as time_off_table
from ..tables import weekly_hours


class SqlaScheduleRepository(ScheduleRepository):
    """Weekly hours as ordered rows per staff member; time off as half-open instants."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def set_weekly(self, staff_id: str, weekly: Sequence[WeeklyInterval]) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(
                delete(weekly_hours).where(weekly_hours.c.staff_id == staff_id)
            )
            if weekly:
                await self._conn.execute(
                    insert(weekly_hours),
                    [
                        {
                            "staff_id": staff_id,
                            "position": position,
                            "weekday": item.weekday,
                            "start": item.start,
                            "end": item.end,
                        }
                        for position, item in enumerate(weekly)
                    ],
                )

    async def weekly(self, staff_ids: Sequence[str]) -> Mapping[str, Sequence[WeeklyInterval]]:
        found: dict[str, list[WeeklyInterval]] = {staff_id: [] for staff_id in staff_ids}
        if not found:
            return found
        result = await self._conn.execute(
            select(
                weekly_hours.c.staff_id,
                weekly_hours.c.weekday,
                weekly_hours.c.start,
                weekly_hours.c.end,
            )
            .where(weekly_hours.c.staff_id.in_(list(found)))
            .order_by(weekly_hours.c.staff_id, weekly_hours.c.position)
        )
        for staff_id, weekday, start, end in result:
            found[staff_id].append(WeeklyInterval(weekday=weekday, start=start, end=end))
        return found

    async def add_time_off(self, time_off: TimeOff) -> None:
        statement = insert(time_off_table).values(
            id=time_off.id,
            staff_id=time_off.staff_id,
            starts_at=time_off.start,
            ends_at=time_off.end,
            reason=time_off.reason,
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def time_off(self, staff_id: str) -> Sequence[TimeOff]:
        result = await self._conn.execute(
            select(time_off_table)
            .where(time_off_table.c.staff_id == staff_id)
            .order_by(time_off_table.c.starts_at, time_off_table.c.id)
        )
        return [
            TimeOff(
                id=row["id"],
                staff_id=row["staff_id"],
                start=row["starts_at"],
                end=row["ends_at"],
                reason=row["reason"],
            )
            for row in result.mappings()
        ]

    async def delete_time_off(self, staff_id: str, time_off_id: str) -> bool:
        result = await self._conn.execute(
            delete(time_off_table).where(
                time_off_table.c.id == time_off_id, time_off_table.c.staff_id == staff_id
            )
        )
        return result.rowcount == 1

    async def time_off_between(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[Interval]]:
        found: dict[str, list[Interval]] = {staff_id: [] for staff_id in staff_ids}
        if not found:
            return found
        result = await self._conn.execute(
            select(time_off_table.c.staff_id, time_off_table.c.starts_at, time_off_table.c.ends_at)
            .where(
                time_off_table.c.staff_id.in_(list(found)),
                time_off_table.c.starts_at < end,
                time_off_table.c.ends_at > start,
            )
            .order_by(time_off_table.c.staff_id, time_off_table.c.starts_at, time_off_table.c.id)
        )
        for staff_id, starts_at, ends_at in result:
            found[staff_id].append(Interval(starts_at, ends_at))
        return found
