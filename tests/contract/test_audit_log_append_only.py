"""The SQL audit log refuses to be rewritten, even by hand: triggers guard UPDATE and DELETE
(and TRUNCATE on PostgreSQL). Migration 0003 adds them; its downgrade removes them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.outbound.persistence import Database
from adapters.outbound.persistence import migrate as migrations
from adapters.outbound.persistence.tables import AUDIT_LOG_APPEND_ONLY
from domain.audit import ActorType, AuditEntry, EntityType

from .builders import at, new_id, seed

FreshUrl = Callable[..., AbstractAsyncContextManager[str]]

REWRITES = [
    "UPDATE audit_log SET action = 'salon.updated'",
    "UPDATE audit_log SET changes = '{}' WHERE id = :id",
    "DELETE FROM audit_log WHERE id = :id",
    "DELETE FROM audit_log",
]


async def _one_entry(database: Database) -> str:
    factory = database.uow_factory()
    world = await seed(factory)
    entry = AuditEntry(
        id=new_id(),
        salon_id=world.salon.id,
        at=at(0),
        actor_type=ActorType.OPERATOR,
        actor_id="root",
        action="salon.tier_changed",
        entity_type=EntityType.SALON,
        entity_id=world.salon.id,
        changes={"tier": ("free", "growth")},
        request_id=None,
    )
    async with factory(write=True) as uow:
        await uow.audit.record(entry)
        await uow.commit()
    return entry.id


@pytest.mark.parametrize("statement", REWRITES)
async def test_rewriting_an_entry_by_hand_raises(sql_database: Database, statement: str) -> None:
    entry_id = await _one_entry(sql_database)
    async with sql_database.engine(write=True).connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            await connection.execute(text(statement), {"id": entry_id})
        await connection.rollback()
    async with sql_database.engine().connect() as connection:
        count = await connection.scalar(text("SELECT count(*) FROM audit_log"))
        action = await connection.scalar(text("SELECT action FROM audit_log"))
    assert (count, action) == (1, "salon.tier_changed")


@pytest.mark.postgres
async def test_truncate_is_refused_on_postgresql(postgres_url: str) -> None:
    database = Database.connect(postgres_url)
    try:
        await _one_entry(database)
        async with database.engine().connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                await connection.execute(text("TRUNCATE audit_log"))
    finally:
        await database.dispose()


async def _guards(url: str) -> set[str]:
    """Names of the audit log's triggers (and, on PostgreSQL, their function)."""
    database = Database.connect(url)
    try:
        async with database.engine().connect() as connection:
            if database.dialect == "postgresql":
                query = (
                    "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'audit_log%' "
                    "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'audit_log%'"
                )
            else:
                query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            return set((await connection.scalars(text(query))).all())
    finally:
        await database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest) -> AbstractAsyncContextManager[str]:
    fixture = "fresh_pg_url" if request.param == "postgres" else "fresh_sqlite_url"
    fresh: FreshUrl = request.getfixturevalue(fixture)
    return fresh(migrate=False)


async def test_the_migration_adds_the_guard_and_its_downgrade_drops_it(
    empty_database: AbstractAsyncContextManager[str],
) -> None:
    async with empty_database as url:
        await migrations.upgrade(url, "0003")
        guards = await _guards(url)
        assert any(name.startswith(AUDIT_LOG_APPEND_ONLY) for name in guards), guards
        await migrations.downgrade(url, "0002")
        assert await _guards(url) == set()
        await migrations.upgrade(url, "0003")
        assert await _guards(url) == guards
