"""In-memory unit of work: a working copy of the state, swapped in on commit."""

from __future__ import annotations

from functools import cache
from types import TracebackType
from typing import Any, Self, get_type_hints

from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory, repository_names

from .accounts import InMemoryAccountRepository
from .analytics import InMemoryBookingStats, InMemoryFunnelRepository
from .audit_log import InMemoryAuditLog
from .bookings import InMemoryBookingRepository
from .catalog import InMemoryCatalogRepository
from .contacts import InMemoryContactBook
from .customers import InMemoryCustomerRepository
from .idempotency import InMemoryIdempotencyRepository
from .messages import InMemoryMessageLog
from .meta import InMemoryMetaRepository
from .meta_cleanups import InMemoryMetaCleanupRepository
from .meta_deletions import InMemoryMetaDeletionRepository
from .meta_login_states import InMemoryMetaLoginStateRepository
from .meta_sync import InMemoryMetaSyncRepository
from .otp import InMemoryOtpRepository
from .owner_alerts import InMemoryOwnerAlertRepository
from .salons import InMemorySalonRepository
from .schedule import InMemoryScheduleRepository
from .store import MemoryStore
from .webhooks import InMemoryWebhookInbox


class InMemoryUnitOfWork(UnitOfWork):
    """Writers are serialised by the store's lock, so their checks hold until commit."""

    # The repositories, listed once: __aenter__ builds each annotated one on the working copy.
    salons: InMemorySalonRepository
    catalog: InMemoryCatalogRepository
    schedules: InMemoryScheduleRepository
    customers: InMemoryCustomerRepository
    bookings: InMemoryBookingRepository
    accounts: InMemoryAccountRepository
    otp: InMemoryOtpRepository
    idempotency: InMemoryIdempotencyRepository
    audit: InMemoryAuditLog
    meta: InMemoryMetaRepository
    meta_cleanups: InMemoryMetaCleanupRepository
    meta_states: InMemoryMetaLoginStateRepository
    meta_deletions: InMemoryMetaDeletionRepository
    alerts: InMemoryOwnerAlertRepository
    webhooks: InMemoryWebhookInbox
    contacts: InMemoryContactBook
    messages: InMemoryMessageLog
    meta_sync: InMemoryMetaSyncRepository
    funnel: InMemoryFunnelRepository
    booking_stats: InMemoryBookingStats

    def __init__(self, store: MemoryStore, *, write: bool) -> None:
        self._store = store
        self._write = write

    async def __aenter__(self) -> Self:
        if self._write:
            await self._store.write_lock.acquire()
        self._work = self._store.state.snapshot()
        for name, repository in _repositories():
            setattr(self, name, repository(self._work))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._write:
            self._store.write_lock.release()

    async def commit(self) -> None:
        if not self._write:
            raise RuntimeError("commit() on a read-only unit of work")
        # Publish a copy: the repositories keep writing to `_work`, which stays private.
        self._store.state = self._work.snapshot()


@cache
def _repositories() -> tuple[tuple[str, type[Any]], ...]:
    """(attribute, class) for every repository InMemoryUnitOfWork annotates."""
    hints = get_type_hints(InMemoryUnitOfWork)
    return tuple((name, hints[name]) for name in repository_names())


class InMemoryUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store or MemoryStore()

    def __call__(self, *, write: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, write=write)
