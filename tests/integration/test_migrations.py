"""Migration stairway: every revision upgrades, downgrades and upgrades again, on both backends.

Also checks that the hand-written history builds exactly the schema `tables.py` describes.
"""

from __future__ import annotations

import asyncio
import sqlite3
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
from adapters.outbound.persistence.errors import CONSTRAINT_TO_ERROR
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


_T = "2026-11-01T09:00:00.000000+00:00"
_ROWS_AT_0005: dict[str, dict[str, object]] = {
    "owners": {"id": "o1", "email": "o@example.com", "password_hash": "h", "created_at": _T},
    "salons": {
        "id": "s1",
        "owner_id": "o1",
        "name": "Glow",
        "slug": "glow",
        "timezone": "Asia/Kolkata",
        "country": "IN",
    },
    "services": {
        "id": "sv1",
        "salon_id": "s1",
        "position": 1,
        "name": "Haircut",
        "duration_minutes": 60,
        "price_minor": 49900,
        "currency": "INR",
    },
    "staff": {"id": "st1", "salon_id": "s1", "position": 1, "name": "Asha"},
    "staff_services": {"staff_id": "st1", "position": 1, "service_id": "sv1"},
    "customers": {
        "id": "c1",
        "salon_id": "s1",
        "name": "Priya",
        "phone": "+919876543210",
        "email": None,
    },
    "bookings": {
        "id": "b1",
        "salon_id": "s1",
        "service_id": "sv1",
        "staff_id": "st1",
        "customer_id": "c1",
        "status": "confirmed",
        "source": "web",
        "starts_at": "2026-12-01T10:00:00.000000+00:00",
        "ends_at": "2026-12-01T11:00:00.000000+00:00",
        "occupied_until": "2026-12-01T11:00:00.000000+00:00",
        "created_at": "2026-11-30T10:00:00.000000+00:00",
        "manage_token_hash": "a" * 64,
    },
}


def _sqlite(url: str) -> sqlite3.Connection:
    connection = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _assert_rows_survived(connection: sqlite3.Connection) -> None:
    connection.row_factory = sqlite3.Row
    for table, row in _ROWS_AT_0005.items():
        stored = connection.execute(f'SELECT * FROM "{table}"').fetchall()
        assert len(stored) == 1, table
        assert {k: stored[0][k] for k in row} == row, table


async def test_0006_keeps_existing_rows_on_sqlite(
    fresh_sqlite_url: FreshUrl,
) -> None:
    """Upgrading over real data (0006 rebuilds customers and bookings on SQLite) keeps it."""
    async with fresh_sqlite_url(migrate=False) as url:
        await migrations.upgrade(url, "0005")
        connection = _sqlite(url)
        try:
            for table, row in _ROWS_AT_0005.items():
                columns = ", ".join(f'"{k}"' for k in row)
                marks = ", ".join("?" for _ in row)
                connection.execute(
                    f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                    tuple(row.values()),
                )
            with pytest.raises(sqlite3.IntegrityError):  # phone was NOT NULL before 0006
                connection.execute(
                    "INSERT INTO customers (id, salon_id, name, phone) "
                    "VALUES ('x', 's1', 'X', NULL)"
                )
        finally:
            connection.close()

        await migrations.upgrade(url)
        connection = _sqlite(url)
        try:
            _assert_rows_survived(connection)
            connection.execute(
                "INSERT INTO customers (id, salon_id, name, phone) VALUES ('c2', 's1', 'Ig', NULL)"
            )
            connection.execute(
                "INSERT INTO customers (id, salon_id, name, phone) VALUES ('c3', 's1', 'Fb', NULL)"
            )
            phones = connection.execute(
                "SELECT phone FROM customers WHERE id IN ('c2', 'c3')"
            ).fetchall()
            assert [tuple(p) for p in phones] == [(None,), (None,)]
            booking = connection.execute(
                "SELECT external_ref FROM bookings WHERE id = 'b1'"
            ).fetchone()
            assert tuple(booking) == (None,)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            assert connection.execute("PRAGMA integrity_check").fetchall()[0][0] == "ok"
        finally:
            connection.close()

        await migrations.downgrade(url, "0005")  # phone-less customers get a placeholder
        connection = _sqlite(url)
        try:
            placeholders = connection.execute(
                "SELECT phone FROM customers WHERE id IN ('c2', 'c3') ORDER BY id"
            ).fetchall()
            assert [p[0] for p in placeholders] == ["unknown:c2", "unknown:c3"]
            connection.execute("DELETE FROM customers WHERE id IN ('c2', 'c3')")
            connection.commit()
        finally:
            connection.close()
        await migrations.upgrade(url)
        assert await migrations.current(url) == migrations.head()
        connection = _sqlite(url)
        try:
            _assert_rows_survived(connection)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()


def _pg_constraint_names(connection: Connection) -> set[str]:
    return set(connection.execute(text("SELECT conname FROM pg_constraint")).scalars())


def _metadata_constraint_names() -> set[str]:
    return {
        str(constraint.name)
        for table in metadata.tables.values()
        for constraint in table.constraints
        if constraint.name is not None
    }


@pytest.mark.postgres
async def test_every_constraint_the_error_table_maps_exists(fresh_pg_url: FreshUrl) -> None:
    """A renamed constraint would silently turn its friendly error into the generic one: each
    name in the error table must name a constraint of the metadata and of the migrated
    database."""
    mapped = set(CONSTRAINT_TO_ERROR)
    assert mapped - _metadata_constraint_names() == set()
    async with fresh_pg_url(migrate=True) as url:
        assert mapped - await _inspect(url, _pg_constraint_names) == set()
