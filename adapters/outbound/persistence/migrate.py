"""Alembic, driven from code: no alembic.ini on disk, the migrations ship inside the package.

Each run holds the migration lock for its whole transaction, so processes started together
(two `salonhub serve`) migrate one after the other instead of racing: SQLite takes
`BEGIN IMMEDIATE` (the writer engine), PostgreSQL a transaction-scoped advisory lock. DDL is
transactional on both, so a failed run leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .database import Database

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"
# Any bigint will do: it only has to be the same in every SalonHub process.
_PG_MIGRATION_LOCK: Final = int.from_bytes(b"salonhub", "big")


def alembic_config(connection: Connection | None = None) -> Config:
    """A Config pointing at the packaged migrations, carrying `connection` for env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions("base", "heads")))]


def head() -> str:
    head_revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head_revision is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found")
    return head_revision


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at `database_url` up to `revision`."""
    await _run(
        database_url, lambda connection: command.upgrade(alembic_config(connection), revision)
    )


async def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database at `database_url` down to `revision` ("base" empties it)."""
    await _run(
        database_url, lambda connection: command.downgrade(alembic_config(connection), revision)
    )


async def current(database_url: str) -> str | None:
    """The revision the database is at (None when unmigrated)."""
    result: list[str | None] = []

    def read(connection: Connection) -> None:
        result.append(MigrationContext.configure(connection).get_current_revision())

    await _run(database_url, read)
    return result[0]


async def _run(database_url: str, work: Callable[[Connection], None]) -> None:
    database = Database.connect(database_url, pool_size=1, max_overflow=0)
    try:
        async with database.engine(write=True).connect() as connection:
            sqlite = database.dialect != "postgresql"
            if sqlite:
                # Batch migrations recreate tables (DROP + RENAME), which SQLite's foreign-key
                # enforcement cannot follow; its documented procedure turns enforcement off
                # outside the transaction and runs foreign_key_check before commit instead.
                await connection.run_sync(_sqlite_foreign_keys, False)
            await connection.begin()
            if not sqlite:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            await connection.run_sync(work)
            if sqlite:
                broken = (await connection.execute(text("PRAGMA foreign_key_check"))).fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
            await connection.commit()
            if sqlite:
                await connection.run_sync(_sqlite_foreign_keys, True)
    finally:
        await database.dispose()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Straight on the DBAPI connection: through SQLAlchemy it would open a transaction, and
    # SQLite ignores this pragma inside one.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    finally:
        cursor.close()
