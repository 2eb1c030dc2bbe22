from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from .servers import serve


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    var = tmp_path_factory.mktemp("sqlite-server")
    with serve(f"sqlite+aiosqlite:///{var}/salonhub.db", var, processes=2) as urls:
        yield urls


@pytest.fixture(scope="session")
def pg_database_url(pg_admin_url: str) -> Iterator[str]:
    """An empty database of its own; the first server process migrates it."""
    name = f"salonhub_it_{os.urandom(5).hex()}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_server(
    tmp_path_factory: pytest.TempPathFactory, pg_database_url: str
) -> Iterator[list[str]]:
    var = tmp_path_factory.mktemp("pg-server")
    with serve(pg_database_url, var, processes=2) as urls:
        yield urls


@pytest.fixture(params=["sqlite", "postgres"])
def servers(request: pytest.FixtureRequest) -> list[str]:
    """Two server processes sharing one database, on each backend."""
    urls: list[str] = request.getfixturevalue(f"{request.param}_server")
    return urls


@pytest.fixture
def client(servers: list[str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=servers[0], timeout=30) as c:
        yield c
