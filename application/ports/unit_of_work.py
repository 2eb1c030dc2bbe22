from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.ports.account_repository import AccountRepository
from application.ports.audit_log import AuditLog
from application.ports.booking_repository import BookingRepository
from application.ports.booking_stats import BookingStats
from application.ports.catalog_repository import CatalogRepository
from application.ports.contact_book import ContactBook
from application.ports.customer_repository import CustomerRepository
from application.ports.funnel_repository import FunnelRepository
from application.ports.idempotency_repository import IdempotencyRepository
from application.ports.message_log import MessageLog
from application.ports.meta_cleanup_repository import MetaCleanupRepository
from application.ports.meta_deletion_repository import MetaDeletionRepository
from application.ports.meta_login_state_repository import MetaLoginStateRepository
from application.ports.meta_repository import MetaRepository
from application.ports.meta_sync_repository import MetaSyncRepository
from application.ports.otp_repository import OtpRepository
from application.ports.owner_alert_repository import OwnerAlertRepository
from application.ports.salon_repository import SalonRepository
from application.ports.schedule_repository import ScheduleRepository
from application.ports.webhook_inbox import WebhookInbox


class UnitOfWork(Protocol):
    """One transaction over every repository.

    `async with uow:` opens it; leaving the block rolls back unless `await uow.commit()` was
    reached. A unit made with `write=True` takes the write lock up front where the store needs
    one (SQLite: BEGIN IMMEDIATE), so checks made inside it stay true until commit.
    """

    salons: SalonRepository
    catalog: CatalogRepository
    schedules: ScheduleRepository
    customers: CustomerRepository
    bookings: BookingRepository
    accounts: AccountRepository
    otp: OtpRepository
    idempotency: IdempotencyRepository
    audit: AuditLog
    meta: MetaRepository
    meta_cleanups: MetaCleanupRepository
    meta_states: MetaLoginStateRepository
    meta_deletions: MetaDeletionRepository
    alerts: OwnerAlertRepository
    webhooks: WebhookInbox
    contacts: ContactBook
    messages: MessageLog
    meta_sync: MetaSyncRepository
    funnel: FunnelRepository
    booking_stats: BookingStats

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


def repository_names() -> tuple[str, ...]:
    """The repositories every unit of work offers, in declaration order: each adapter builds
    exactly these (its annotations name the class for each)."""
    return tuple(name for name in UnitOfWork.__annotations__ if not name.startswith("_"))


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work; `write=True` for units that change state."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
