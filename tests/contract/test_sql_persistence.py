"""What only the SQL adapter promises: UTC instants, constraint mapping, the Database handle."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, StatementError

from adapters.outbound.persistence import Database
from adapters.outbound.persistence.errors import guarded_booking_write
from domain.errors import Conflict, SlotUnavailable

from .builders import IST, NEW_YORK_WINTER, at, new_id, seed


async def test_instants_come_back_as_aware_utc(sql_database: Database) -> None:
    factory = sql_database.uow_factory()
    world = await seed(factory)
    booking = world.booking(at(0).astimezone(IST), created_at=at(-5).astimezone(NEW_YORK_WINTER))
    async with factory(write=True) as uow:
        await uow.bookings.add(booking)
        await uow.commit()
    async with factory() as uow:
        got = await uow.bookings.get(booking.id)
    assert got == booking
    assert got is not None
    for instant in (got.start, got.end, got.occupied_until, got.created_at):
        assert instant.tzinfo is UTC


async def test_naive_instants_are_refused(sql_database: Database) -> None:
    factory = sql_database.uow_factory()
    world = await seed(factory)
    naive = world.booking(datetime(2026, 12, 1, 10, 0))
    async with factory(write=True) as uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.bookings.add(naive)


async def test_a_reused_manage_token_hash_is_a_conflict(sql_database: Database) -> None:
    factory = sql_database.uow_factory()
    world = await seed(factory)
    first = world.booking(at(0))
    async with factory(write=True) as uow:
        await uow.bookings.add(first)
        with pytest.raises(Conflict):
            await uow.bookings.add(
                replace(world.booking(at(120)), manage_token_hash=first.manage_token_hash)
            )
        await uow.commit()


async def test_a_dangling_reference_is_a_conflict_not_an_integrity_error(
    sql_database: Database,
) -> None:
    factory = sql_database.uow_factory()
    world = await seed(factory)
    async with factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.bookings.add(world.booking(at(0), staff_id=new_id()))
        await uow.bookings.add(world.booking(at(0)))  # still usable
        await uow.commit()


class _DriverError(Exception):
    def __init__(self, pgcode: str) -> None:
        super().__init__(pgcode)
        self.pgcode = pgcode


@pytest.mark.parametrize(
    ("pgcode", "expected"), [("40P01", SlotUnavailable), ("XX000", DBAPIError)]
)
async def test_a_deadlock_on_a_booking_write_is_slot_unavailable(
    sql_database: Database, pgcode: str, expected: type[Exception]
) -> None:
    async with sql_database.engine(write=True).connect() as connection:
        await connection.begin()

        async def fail() -> None:
            async with guarded_booking_write(connection):
                await connection.execute(text("SELECT 1"))
                raise DBAPIError("INSERT ...", {}, _DriverError(pgcode))

        with pytest.raises(expected):
            await fail()
        assert await connection.scalar(text("SELECT 2")) == 2  # the savepoint took the blow


async def test_ping(sql_database: Database) -> None:
    assert await sql_database.ping()
    unreachable = Database.connect("postgresql+asyncpg://postgres@127.0.0.1:9/nothing")
    try:
        assert not await unreachable.ping()
    finally:
        await unreachable.dispose()


def test_connect_understands_urls(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b" / "salonhub.db"
    sqlite = Database.connect(f"sqlite:///{nested}")
    assert sqlite.dialect == "sqlite"
    assert sqlite.url.drivername == "sqlite+aiosqlite"
    assert nested.parent.is_dir()
    postgres = Database.connect("postgresql://postgres@127.0.0.1:5432/x")
    assert postgres.dialect == "postgresql"
    assert postgres.url.drivername == "postgresql+asyncpg"
    assert postgres.engine(write=True) is postgres.engine()
    for bad in ("sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:", "mysql://x@y/z"):
        with pytest.raises(ValueError):
            Database.connect(bad)


REPO_ROOT = Path(__file__).resolve().parents[2]

_HAMMER = textwrap.dedent(
    """
    import asyncio, sys, uuid
    from datetime import UTC, datetime
    from adapters.outbound.persistence import Database
    from domain.accounts import Owner

    async def main(url: str, units: int) -> None:
        database = Database.connect(url)
        factory = database.uow_factory()

        async def write(i: int) -> None:
            async with factory(write=True) as uow:
                owner = Owner(str(uuid.uuid4()), f"{uuid.uuid4().hex}@x.io", "h",
                              datetime.now(UTC))
                await uow.accounts.add_owner(owner)
                await uow.accounts.owner_by_email(owner.email)
                await uow.commit()
            async with factory() as uow:
                await uow.accounts.owner_by_email(owner.email)

        await asyncio.gather(*(write(i) for i in range(units)))
        await database.dispose()

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


@pytest.mark.slow
async def test_two_processes_share_one_sqlite_file(tmp_path: Path) -> None:
    from adapters.outbound.persistence import migrate

    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    await migrate.upgrade(url)
    units = 150
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _HAMMER,
            url,
            str(units),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=REPO_ROOT,
        )
        for _ in range(2)
    ]
    outputs = await asyncio.gather(*(p.communicate() for p in processes))
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr.decode()[-2000:]
    database = Database.connect(url)
    try:
        async with database.engine().connect() as connection:
            from sqlalchemy import func, select

            from adapters.outbound.persistence.tables import owners

            assert await connection.scalar(select(func.count()).select_from(owners)) == 2 * units
    finally:
        await database.dispose()
