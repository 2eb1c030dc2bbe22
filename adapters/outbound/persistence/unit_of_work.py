"""One database transaction over every repository."""

from __future__ import annotations

from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, get_type_hints

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory, repository_names

from .repositories import (
    SqlaAccountRepository,
    SqlaAuditLog,
    SqlaBookingRepository,
    SqlaBookingStats,
    SqlaCatalogRepository,
    SqlaContactBook,
    SqlaCustomerRepository,
    SqlaFunnelRepository,
    SqlaIdempotencyRepository,
    SqlaMessageLog,
    SqlaMetaCleanupRepository,
    SqlaMetaDeletionRepository,
    SqlaMetaLoginStateRepository,
    SqlaMetaRepository,
    SqlaMetaSyncRepository,
    SqlaOtpRepository,
    SqlaOwnerAlertRepository,
    SqlaSalonRepository,
    SqlaScheduleRepository,
    SqlaWebhookInbox,
)

if TYPE_CHECKING:
    from .database import Database


class SqlaUnitOfWork(UnitOfWork):
    """A connection and its transaction; leaving the block rolls back what was not committed.

    A write unit runs on the database's writer engine, whose BEGIN on SQLite is
    `BEGIN IMMEDIATE`: the write lock is held from the first statement until commit, so a
    check made inside the unit (the booking overlap re-check) stays true until commit.
    """

    # The repositories, listed once: __aenter__ builds each annotated one on the connection.
    salons: SqlaSalonRepository
    catalog: SqlaCatalogRepository
    schedules: SqlaScheduleRepository
    customers: SqlaCustomerRepository
    bookings: SqlaBookingRepository
    accounts: SqlaAccountRepository
    otp: SqlaOtpRepository
    idempotency: SqlaIdempotencyRepository
    audit: SqlaAuditLog
    meta: SqlaMetaRepository
    meta_cleanups: SqlaMetaCleanupRepository
    meta_states: SqlaMetaLoginStateRepository
    meta_deletions: SqlaMetaDeletionRepository
    alerts: SqlaOwnerAlertRepository
    webhooks: SqlaWebhookInbox
    contacts: SqlaContactBook
    messages: SqlaMessageLog
    meta_sync: SqlaMetaSyncRepository
    funnel: SqlaFunnelRepository
    booking_stats: SqlaBookingStats

    def __init__(self, engine: AsyncEngine, *, write: bool) -> None:
        self._engine = engine
        self._write = write
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open")
        connection = await self._engine.connect()
        try:
            await connection.begin()
        except BaseException:
            await connection.close()
            raise
        self._connection = connection
        for name, repository in _repositories():
            setattr(self, name, repository(connection))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if connection.in_transaction():
                await connection.rollback()
        finally:
            await connection.close()

    async def commit(self) -> None:
        """Commit the work so far; work done after it is a new transaction (rolled back at
        exit unless committed again)."""
        if not self._write:
            raise RuntimeError("commit() on a read-only unit of work")
        if self._connection is None:
            raise RuntimeError("commit() outside `async with`")
        await self._connection.commit()


@cache
def _repositories() -> tuple[tuple[str, type[Any]], ...]:
    """(attribute, class) for every repository SqlaUnitOfWork annotates."""
    hints = get_type_hints(SqlaUnitOfWork)
    return tuple((name, hints[name]) for name in repository_names())


class SqlaUnitOfWorkFactory(UnitOfWorkFactory):
    """Makes units on the database's reader engine, or its writer engine for `write=True`."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def __call__(self, *, write: bool = False) -> SqlaUnitOfWork:
        return SqlaUnitOfWork(self._database.engine(write=write), write=write)
