"""Migration stairway: every revision upgrades, downgrades and upgrades again, on both backends.

Also checks that the hand-written history builds exactly the schema `tables.py` describes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from adapters.outbound.persistence import Database
from adapters.outbound.persistence import migrate as migrations
from adapters.outbound.persistence.tables import BOOKINGS_NO_OVERLAP, metadata

FreshUrl = Callable[..., AbstractAsyncContextManager[str]]
REVISIONS = migrations.revisions()
EXPECTED_TABLES = {table.name for table in metadata.sorted_tables}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest) -> AbstractAsyncContextManager[str]:
    """A brand-new, unmigrated database on each backend."""
    fixture = "fresh_pg_url" if request.param == "postgres" else "fresh_sqlite_url"
    fresh: FreshUrl = request.getfixturevalue(fixture)
    return fresh(migrate=False)


async def _inspect(url: str, look: Callable[[Connection], Any]) -> Any:
    database = Database.connect(url)
    try:
        async with database.engine().connect() as connection:
            return await connection.run_sync(look)
    finally:
        await database.dispose()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _has_no_overlap_constraint(connection: Connection) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    found = connection.execute(
        text("SELECT 1 FROM pg_constraint WHERE conname = :name"), {"name": BOOKINGS_NO_OVERLAP}
    ).scalar()
    return found is not None


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


def test_revisions_form_one_line() -> None:
    assert REVISIONS[0] == "0001"
    assert REVISIONS[-1] == migrations.head()
    assert len(set(REVISIONS)) == len(REVISIONS) >= 2


@pytest.mark.parametrize("revision", REVISIONS)
async def test_stairway(empty_database: AbstractAsyncContextManager[str], revision: str) -> None:
    index = REVISIONS.index(revision)
    previous = REVISIONS[index - 1] if index else "base"
    async with empty_database as url:
        if previous != "base":
            await migrations.upgrade(url, previous)
        await migrations.upgrade(url, revision)
        assert await migrations.current(url) == revision
        await migrations.downgrade(url, previous)
        assert await migrations.current(url) == (None if previous == "base" else previous)
        await migrations.upgrade(url, revision)
        assert await migrations.current(url) == revision


async def test_head_base_head(empty_database: AbstractAsyncContextManager[str]) -> None:
    async with empty_database as url:
        await migrations.upgrade(url)
        assert await migrations.current(url) == migrations.head()
        assert await _inspect(url, _tables) == EXPECTED_TABLES
        await migrations.downgrade(url, "base")
        assert await migrations.current(url) is None
        assert await _inspect(url, _tables) == set()
        await migrations.upgrade(url)
        assert await _inspect(url, _tables) == EXPECTED_TABLES
        is_postgres = url.startswith("postgresql")
        assert await _inspect(url, _has_no_overlap_constraint) is is_postgres


async def test_migrations_build_the_schema_tables_py_describes(
    empty_database: AbstractAsyncContextManager[str],
) -> None:
    async with empty_database as url:
        await migrations.upgrade(url)
        assert await _inspect(url, _schema_diff) == []


async def test_concurrent_upgrades_take_turns(
    empty_database: AbstractAsyncContextManager[str],
) -> None:
    """Two processes starting at once (two `salonhub serve`) must not both create tables."""
    async with empty_database as url:
        await asyncio.gather(*(migrations.upgrade(url) for _ in range(3)))
        assert await migrations.current(url) == migrations.head()
        assert await _inspect(url, _tables) == EXPECTED_TABLES
