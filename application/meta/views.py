"""What the owner sees of their Meta integration (GET /api/meta/status)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.meta import wording
from application.meta.config import MetaApp
from application.ports.meta_sync_repository import MetaSyncState
from domain.meta import Buttons, InstagramRef, IntegrationStatus, MetaIntegration, MetaMode, PageRef
from domain.salon import Salon


@dataclass(frozen=True, slots=True)
class PageChoice:
    id: str
    name: str
    instagram_username: str | None
    available: bool  # False: another salon has connected this Page


@dataclass(frozen=True, slots=True)
class MetaStatus:
    status: IntegrationStatus
    mode: MetaMode
    page: PageRef | None
    instagram: InstagramRef | None
    buttons: Buttons
    token_valid: bool | None
    token_expires_at: datetime | None
    data_access_expires_at: datetime | None
    token_checked_at: datetime | None
    last_sync_at: datetime | None
    sync_error: str | None
    sync_lag_seconds: float  # how long the oldest change has waited for Meta (0: in step)
    booking_links: dict[str, str]
    warnings: Sequence[str]
    pages: Sequence[PageChoice]  # the page picker, while `pending`
    timezone: str  # the salon's, for showing instants


def status_of(
    app: MetaApp,
    salon: Salon,
    integration: MetaIntegration | None,
    now: datetime,
    *,
    taken_pages: frozenset[str] = frozenset(),
    extra_warnings: Sequence[str] = (),
    sync: MetaSyncState | None = None,
) -> MetaStatus:
    links = app.booking_links(salon)
    if integration is None:
        return MetaStatus(
            status=IntegrationStatus.NOT_CONNECTED,
            mode=app.mode,
            page=None,
            instagram=None,
            buttons=Buttons(),
            token_valid=None,
            token_expires_at=None,
            data_access_expires_at=None,
            token_checked_at=None,
            last_sync_at=None,
            sync_error=None,
            sync_lag_seconds=0.0,
            booking_links=links,
            warnings=list(extra_warnings),
            pages=(),
            timezone=salon.timezone,
        )
    warnings = list(extra_warnings)
    token = integration.token
    ending = token.data_access_expires_at
    if integration.status == IntegrationStatus.ACTIVE and ending and token.data_access_ending(now):
        warnings.append(wording.data_access_ending(ending.date().isoformat()))
    if integration.status == IntegrationStatus.ACTIVE and integration.mode == MetaMode.LOGIN:
        warnings.append(wording.ADD_LINKS_BY_HAND)
    active = integration.status == IntegrationStatus.ACTIVE
    lag = 0.0
    if active and sync is not None and sync.requested_at is not None:
        lag = max(0.0, (now - sync.requested_at).total_seconds())
    return MetaStatus(
        status=integration.status,
        mode=integration.mode,
        page=integration.page,
        instagram=integration.instagram,
        buttons=integration.buttons,
        token_valid=token.valid,
        token_expires_at=token.expires_at,
        data_access_expires_at=token.data_access_expires_at,
        token_checked_at=token.checked_at,
        last_sync_at=(sync.synced_at if sync else None) or integration.last_sync_at,
        sync_error=integration.sync_error or (sync.error if active and sync else None),
        sync_lag_seconds=lag,
        booking_links=links,
        warnings=warnings,
        pages=[
            PageChoice(p.id, p.name, p.instagram_username, p.id not in taken_pages)
            for p in integration.candidate_pages
        ],
        timezone=salon.timezone,
    )
