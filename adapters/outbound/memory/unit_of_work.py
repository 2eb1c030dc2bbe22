"""In-memory unit of work: a working copy of the state, swapped in on commit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

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
from .meta_sync import InMemoryMetaSyncRepository
from .otp import InMemoryOtpRepository
from .salons import InMemorySalonRepository
from .schedule import InMemoryScheduleRepository
from .store import MemoryStore
from .webhooks import InMemoryWebhookInbox


class InMemoryUnitOfWork(UnitOfWork):
    """Writers are serialised by the store's lock, so their checks hold until commit."""

    def __init__(self, store: MemoryStore, *, write: bool) -> None:
        self._store = store
        self._write = write

    async def __aenter__(self) -> Self:
        if self._write:
            await self._store.write_lock.acquire()
        self._work = self._store.state.snapshot()
        self.salons = InMemorySalonRepository(self._work)
        self.catalog = InMemoryCatalogRepository(self._work)
        self.schedules = InMemoryScheduleRepository(self._work)
        self.customers = InMemoryCustomerRepository(self._work)
        self.bookings = InMemoryBookingRepository(self._work)
        self.accounts = InMemoryAccountRepository(self._work)
        self.otp = InMemoryOtpRepository(self._work)
        self.idempotency = InMemoryIdempotencyRepository(self._work)
        self.audit = InMemoryAuditLog(self._work)
        self.meta = InMemoryMetaRepository(self._work)
        self.webhooks = InMemoryWebhookInbox(self._work)
        self.contacts = InMemoryContactBook(self._work)
        self.messages = InMemoryMessageLog(self._work)
        self.meta_sync = InMemoryMetaSyncRepository(self._work)
        self.funnel = InMemoryFunnelRepository(self._work)
        self.booking_stats = InMemoryBookingStats(self._work)
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


class InMemoryUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store or MemoryStore()

    def __call__(self, *, write: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, write=write)
