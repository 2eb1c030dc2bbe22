"""The database handle: engines for PostgreSQL (asyncpg) or a SQLite file (aiosqlite)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from .unit_of_work import SqlaUnitOfWorkFactory

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
_PING_TIMEOUT_S = 5.0


def _normalize(url: str) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:" or "mode=memory" in url:
            raise ValueError("SQLite needs a file path (sqlite+aiosqlite:///path/to/file.db)")
        return parsed.set(drivername="sqlite+aiosqlite")
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername!r}")


def _switch_to_wal(cursor: Any) -> None:
    """Switching a fresh file to WAL needs a moment alone with it, and SQLite answers "locked" at
    once (no busy handler) while another process is doing the same: retry for a while."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_engine(url: URL, *, begin: str, pool_size: int, max_overflow: int) -> AsyncEngine:
    """One engine on the file, with SQLAlchemy (not sqlite3) emitting BEGIN: the documented
    recipe for real SERIALIZABLE transactions, savepoints and transactional DDL."""
    engine = create_async_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=60,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            # busy_timeout first, so switching to WAL waits for a lock instead of failing.
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _switch_to_wal(cursor)
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)

    return engine


class Database:
    """Engines for one database; nothing connects until first use.

    PostgreSQL: one pooled engine for readers and writers. SQLite: two engines on the same
    file, a reader (`BEGIN`, deferred; WAL lets it run beside a writer) and a writer
    (`BEGIN IMMEDIATE`, one pooled connection, so this process's writers queue in the pool and
    other processes' writers wait on the busy timeout instead of failing).
    """

    def __init__(self, url: URL, reader: AsyncEngine, writer: AsyncEngine) -> None:
        self.url = url
        self.dialect: str = url.get_backend_name()
        self._reader = reader
        self._writer = writer

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Database:
        parsed = _normalize(url)
        if parsed.get_backend_name() == "postgresql":
            engine = create_async_engine(
                parsed,
                pool_size=pool_size,
                max_overflow=max_overflow,
                pool_pre_ping=True,
                connect_args={"timeout": 10, "server_settings": {"application_name": "salonhub"}},
            )
            return cls(parsed, engine, engine)
        if parsed.database is None:  # _normalize refuses it already
            raise ValueError("a SQLite URL needs a file name")
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        reader = _sqlite_engine(
            parsed, begin="BEGIN", pool_size=pool_size, max_overflow=max_overflow
        )
        writer = _sqlite_engine(parsed, begin="BEGIN IMMEDIATE", pool_size=1, max_overflow=0)
        return cls(parsed, reader, writer)

    def engine(self, *, write: bool = False) -> AsyncEngine:
        return self._writer if write else self._reader

    def uow_factory(self) -> SqlaUnitOfWorkFactory:
        return SqlaUnitOfWorkFactory(self)

    async def ping(self) -> bool:
        """True when a `SELECT 1` answers within a few seconds."""
        try:
            async with asyncio.timeout(_PING_TIMEOUT_S), self._reader.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            logger.warning("database ping failed", exc_info=True)
            return False
        return True

    async def dispose(self) -> None:
        await self._reader.dispose()
        if self._writer is not self._reader:
            await self._writer.dispose()
