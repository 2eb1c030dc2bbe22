"""Shared fixtures. Each section belongs to one concern; add new sections below the others."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
import redis
from hypothesis import settings

from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.persistence import Database
from adapters.outbound.persistence import migrate as migrations
from application.ports.unit_of_work import UnitOfWorkFactory

# --- hypothesis ---
#
# With CI=true the examples are derived from each test's name (derandomized): a landing never
# fails on a draw no one can replay. Locally they stay random, to keep finding new cases;
# `--hypothesis-profile=blob` prints the @reproduce_failure line of what they find.

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("blob", print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

# --- database backends ---
#
# `uow_factory` runs a test once per store: memory, sqlite, postgres (each on a fresh store).
# `fresh_sqlite_url()` / `fresh_pg_url()` are factories of brand-new databases, migrated to
# head unless `migrate=False`: `async with fresh_pg_url() as url: ...`.
# PostgreSQL tests are skipped when the server is unreachable, and fail instead when CI=true.

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"

BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

FreshUrl = Callable[..., AbstractAsyncContextManager[str]]


def pg_url(database: str) -> str:
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def _pg_admin(*statements: str) -> None:
    connection = await asyncpg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres", timeout=5
    )
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_admin_url() -> str:
    """The maintenance database's URL, once PostgreSQL answers."""
    try:
        await _pg_admin("SELECT 1")
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (required when CI=true): {exc!r}")
        pytest.skip(reason)  # only outside CI: with CI=true the line above fails instead
    return pg_url("postgres")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_template(pg_admin_url: str) -> AsyncIterator[str]:
    """A database migrated to head once; fresh test databases are copies of it (fast)."""
    name = f"salonhub_test_tmpl_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        await migrations.upgrade(pg_url(name))
        yield name
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_pg_url(pg_template: str) -> FreshUrl:
    """`async with fresh_pg_url() as url`: a new `salonhub_test_<hex>` database, dropped after."""

    @asynccontextmanager
    async def fresh(*, migrate: bool = True) -> AsyncIterator[str]:
        name = f"salonhub_test_{uuid.uuid4().hex[:12]}"
        template = f' TEMPLATE "{pg_template}"' if migrate else ""
        await _pg_admin(f'CREATE DATABASE "{name}"{template}')
        try:
            yield pg_url(name)
        finally:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return fresh


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; fresh test databases are copies of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    await migrations.upgrade(sqlite_url(path))
    return path


@pytest.fixture
def fresh_sqlite_url(tmp_path: Path, sqlite_template: Path) -> FreshUrl:
    """`async with fresh_sqlite_url() as url`: a new SQLite file under the test's tmp_path."""

    @asynccontextmanager
    async def fresh(*, migrate: bool = True) -> AsyncIterator[str]:
        path = tmp_path / f"salonhub-{uuid.uuid4().hex[:12]}.db"
        if migrate:
            shutil.copyfile(sqlite_template, path)
            wal = sqlite_template.with_name(sqlite_template.name + "-wal")
            if wal.exists():  # normally checkpointed away when the last connection closed
                shutil.copyfile(wal, path.with_name(path.name + "-wal"))
        yield sqlite_url(path)

    return fresh


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_shared_url(pg_admin_url: str) -> AsyncIterator[str]:
    """One migrated database for the session, emptied before each test that uses it."""
    name = f"salonhub_test_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        await migrations.upgrade(pg_url(name))
        yield pg_url(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _empty_pg_database(name: str) -> None:
    # DELETE beats TRUNCATE on tiny tables by ~50x; replica mode skips FK order (superuser).
    connection = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=name)
    try:
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
            tables = await connection.fetch(
                "SELECT tablename FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
            for (table,) in tables:
                await connection.execute(f'DELETE FROM "{table}"')
    finally:
        await connection.close()


@pytest_asyncio.fixture(loop_scope="session")
async def postgres_url(pg_shared_url: str) -> str:
    """The session's PostgreSQL test database, migrated and empty (fast: no CREATE DATABASE)."""
    await _empty_pg_database(pg_shared_url.rsplit("/", 1)[1])
    return pg_shared_url


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_db_url(fresh_sqlite_url: FreshUrl) -> AsyncIterator[str]:
    async with fresh_sqlite_url() as url:
        yield url


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database URL, once per SQL backend."""
    name = "postgres_url" if request.param == "postgres" else "sqlite_db_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest_asyncio.fixture(loop_scope="session")
async def sql_database(sql_url: str) -> AsyncIterator[Database]:
    database = Database.connect(sql_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_uow_factory(sqlite_db_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    database = Database.connect(sqlite_db_url)
    try:
        yield database.uow_factory()
    finally:
        await database.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def postgres_uow_factory(postgres_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    database = Database.connect(postgres_url)
    try:
        yield database.uow_factory()
    finally:
        await database.dispose()


@pytest.fixture
def memory_uow_factory() -> UnitOfWorkFactory:
    return InMemoryUnitOfWorkFactory()


@pytest.fixture(params=BACKENDS)
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A unit-of-work factory on a fresh, empty store, once per backend."""
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{request.param}_uow_factory")
    return factory


# --- end database backends ---


# --- redis ---
#
# `redis_url`: the local Redis, once it answers (skipped when unreachable, a failure when CI=true).
# `redis_prefix`: a key prefix of the test's own; its keys are deleted afterwards.

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        reason = f"Redis not reachable at {REDIS_URL}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (required when CI=true): {exc!r}")
        pytest.skip(reason)  # only outside CI: with CI=true the line above fails instead
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"salonhub-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# --- end redis ---
