"""Bookings; the store is the final arbiter of no double booking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import RowMapping, exists, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from application.ports.booking_repository import BookingRepository
from domain.booking import Booking, BookingSource, BookingStatus
from domain.intervals import Interval

from ..errors import CONSTRAINT_TO_ERROR, guarded_booking_write
from ..tables import ACTIVE_STATUS_VALUES, BOOKINGS_NO_OVERLAP, bookings

# The (int, int) advisory-lock key space; only has to differ from other uses of that space.
STAFF_CALENDAR_LOCK_SPACE: Final = 0x5A10


def _values(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "salon_id": booking.salon_id,
        "service_id": booking.service_id,
        "staff_id": booking.staff_id,
        "customer_id": booking.customer_id,
        "status": booking.status.value,
        "source": booking.source.value,
        "starts_at": booking.start,
        "ends_at": booking.end,
        "occupied_until": booking.occupied_until,
        "created_at": booking.created_at,
        "manage_token_hash": booking.manage_token_hash,
        "external_ref": booking.external_ref,
    }


def _booking(row: RowMapping) -> Booking:
    return Booking(
        id=row["id"],
        salon_id=row["salon_id"],
        service_id=row["service_id"],
        staff_id=row["staff_id"],
        customer_id=row["customer_id"],
        status=BookingStatus(row["status"]),
        source=BookingSource(row["source"]),
        start=row["starts_at"],
        end=row["ends_at"],
        occupied_until=row["occupied_until"],
        created_at=row["created_at"],
        manage_token_hash=row["manage_token_hash"],
        external_ref=row["external_ref"],
    )


def _active() -> ColumnElement[bool]:
    return bookings.c.status.in_(ACTIVE_STATUS_VALUES)


class SqlaBookingRepository(BookingRepository):
    """Bookings over the unit of work's connection; every write runs in a savepoint.

    PostgreSQL's exclusion constraint `bookings_no_overlap` rejects overlaps. Two racing
    inserts would each wait for the other's in-progress row while checking it (a deadlock), so
    an active write first takes a per-staff advisory lock: racers queue, and each sees the
    committed winner. The lock lives in the savepoint, so a refused attempt releases it.

    SQLite has no such constraint, so the overlap is re-checked inside the write transaction,
    which a write unit took up front with BEGIN IMMEDIATE (no other writer can slip in).
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection
        self._postgresql = connection.dialect.name == "postgresql"

    async def add(self, booking: Booking) -> None:
        async with guarded_booking_write(self._conn):
            await self._claim(booking)
            await self._conn.execute(insert(bookings).values(_values(booking)))

    async def update(self, booking: Booking) -> None:
        values = _values(booking)
        del values["id"]
        async with guarded_booking_write(self._conn):
            await self._claim(booking)
            await self._conn.execute(
                update(bookings).where(bookings.c.id == booking.id).values(values)
            )

    async def _claim(self, booking: Booking) -> None:
        """Serialize writers of this staff member's calendar (PostgreSQL), or check it (SQLite)."""
        if not booking.active or booking.occupied.is_empty:
            return
        if self._postgresql:
            await self._conn.execute(
                text("SELECT pg_advisory_xact_lock(:space, hashtext(:staff_id))"),
                {"space": STAFF_CALENDAR_LOCK_SPACE, "staff_id": booking.staff_id},
            )
            return
        taken = await self._conn.scalar(
            select(
                exists().where(
                    bookings.c.staff_id == booking.staff_id,
                    _active(),
                    bookings.c.starts_at < booking.occupied_until,
                    bookings.c.occupied_until > booking.start,
                    bookings.c.starts_at < bookings.c.occupied_until,
                    bookings.c.id != booking.id,
                )
            )
        )
        if taken:
            raise CONSTRAINT_TO_ERROR[BOOKINGS_NO_OVERLAP]()

    async def get(self, booking_id: str) -> Booking | None:
        result = await self._conn.execute(select(bookings).where(bookings.c.id == booking_id))
        row = result.mappings().first()
        return None if row is None else _booking(row)

    async def get_by_manage_token_hash(self, token_hash: str) -> Booking | None:
        result = await self._conn.execute(
            select(bookings).where(bookings.c.manage_token_hash == token_hash)
        )
        row = result.mappings().first()
        return None if row is None else _booking(row)

    async def occupied(
        self,
        staff_ids: Sequence[str],
        start: datetime,
        end: datetime,
        exclude_booking_id: str | None = None,
    ) -> Mapping[str, Sequence[Interval]]:
        found: dict[str, list[Interval]] = {staff_id: [] for staff_id in staff_ids}
        if not found:
            return found
        query = select(bookings.c.staff_id, bookings.c.starts_at, bookings.c.occupied_until).where(
            bookings.c.staff_id.in_(list(found)),
            _active(),
            bookings.c.starts_at < end,
            bookings.c.occupied_until > start,
        )
        if exclude_booking_id is not None:
            query = query.where(bookings.c.id != exclude_booking_id)
        result = await self._conn.execute(
            query.order_by(bookings.c.staff_id, bookings.c.starts_at, bookings.c.id)
        )
        for staff_id, starts_at, occupied_until in result:
            found[staff_id].append(Interval(starts_at, occupied_until))
        return found

    async def active_counts(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, int]:
        counts = dict.fromkeys(staff_ids, 0)
        if not counts:
            return counts
        result = await self._conn.execute(
            select(bookings.c.staff_id, func.count())
            .where(
                bookings.c.staff_id.in_(list(counts)),
                _active(),
                bookings.c.starts_at >= start,
                bookings.c.starts_at < end,
            )
            .group_by(bookings.c.staff_id)
        )
        for staff_id, count in result:
            counts[staff_id] = int(count)
        return counts

    async def customer_has_booking(self, customer_id: str) -> bool:
        found = await self._conn.scalar(
            select(exists().where(bookings.c.customer_id == customer_id))
        )
        return bool(found)

    async def get_by_external_ref(self, salon_id: str, external_ref: str) -> Booking | None:
        result = await self._conn.execute(
            select(bookings).where(
                bookings.c.salon_id == salon_id, bookings.c.external_ref == external_ref
            )
        )
        row = result.mappings().first()
        return None if row is None else _booking(row)

    async def active_starting_between(self, start: datetime, end: datetime) -> Sequence[Booking]:
        result = await self._conn.execute(
            select(bookings)
            .where(_active(), bookings.c.starts_at >= start, bookings.c.starts_at < end)
            .order_by(bookings.c.starts_at, bookings.c.id)
        )
        return [_booking(row) for row in result.mappings()]

    async def for_customer(self, customer_id: str) -> Sequence[Booking]:
        result = await self._conn.execute(
            select(bookings)
            .where(bookings.c.customer_id == customer_id)
            .order_by(bookings.c.starts_at, bookings.c.id)
        )
        return [_booking(row) for row in result.mappings()]

    async def search(
        self,
        salon_id: str,
        *,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        source: BookingSource | None = None,
        status: BookingStatus | None = None,
    ) -> Sequence[Booking]:
        query = select(bookings).where(bookings.c.salon_id == salon_id)
        if start_from is not None:
            query = query.where(bookings.c.starts_at >= start_from)
        if start_to is not None:
            query = query.where(bookings.c.starts_at < start_to)
        if source is not None:
            query = query.where(bookings.c.source == source.value)
        if status is not None:
            query = query.where(bookings.c.status == status.value)
        result = await self._conn.execute(query.order_by(bookings.c.starts_at, bookings.c.id))
        return [_booking(row) for row in result.mappings()]
