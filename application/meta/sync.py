"""Keeping the salon's Meta-facing data in step with SalonHub (the source of truth).

What Meta holds for a connected Page — its subscription to our webhooks, the Messenger "Get
Started" button and persistent menu (the booking link, and "Book in chat" when the salon has the
assistant) — is derived from the salon, its plan and its active services. Connecting a Page and
every change request a sync in their own transaction (`request_meta_sync`: the outbox row); the
relay dispatches due syncs after commit; `sync` claims one, builds the desired state, and calls
Meta only when its fingerprint differs from what Meta was last given (subscribing the Page, then
setting the profile: both idempotent at Meta). `reconcile` (scheduled) re-requests every active
integration not synced for a while.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from application.messaging.assistant import wants_assistant
from application.messaging.payloads import BOOK
from application.meta import wording
from application.meta.config import MetaApp
from application.meta.sealed import open_sealed
from application.meta.wording import During
from application.meta_errors import (
    MetaError,
    MetaRateLimited,
    MetaTokenInvalid,
)
from application.ports.clock import Clock
from application.ports.meta_graph import PAGE_SUBSCRIBED_FIELDS, MetaGraph
from application.ports.metrics import Metrics
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.catalog import Service
from domain.meta import IntegrationStatus, MetaIntegration, token_context
from domain.salon import Salon

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # one worker's hold on a salon's sync
RECONCILE_AFTER = timedelta(hours=6)  # an active integration not synced for this long is
FIRST_RETRY = timedelta(seconds=30)  # re-requested; failures back off from 30 s, doubling,
MAX_RETRY = timedelta(minutes=30)  # up to 30 min
RECONCILE_BATCH = 200


def messenger_profile(app: MetaApp, salon: Salon) -> dict[str, Any]:
    """The Messenger Profile we want Meta to hold for the salon's Page."""
    actions: list[dict[str, Any]] = [
        {
            "type": "web_url",
            "title": "Book now",
            "url": app.booking_link(salon, "messenger"),
            "webview_height_ratio": "full",
        }
    ]
    if wants_assistant(salon):
        actions.append({"type": "postback", "title": "Book in chat", "payload": BOOK})
    return {
        "get_started": {"payload": BOOK},
        "persistent_menu": [
            {"locale": "default", "composer_input_disabled": False, "call_to_actions": actions}
        ],
    }


def fingerprint(page_id: str, profile: dict[str, Any], services: Sequence[Service]) -> str:
    """Of everything Meta-facing: the Page, its webhook fields, the profile, and the services
    offered (so that a service change counts even when the profile reads the same)."""
    offered = sorted([s.id, s.name, s.duration_minutes] for s in services if s.active)
    canonical = json.dumps(
        {
            "page": page_id,
            "fields": PAGE_SUBSCRIBED_FIELDS,
            "profile": profile,
            "services": offered,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def retry_delay(attempts: int, exc: MetaError | None = None) -> timedelta:
    """30 s after the first failure, doubling, at most 30 min (longer if Meta says so)."""
    delay = min(FIRST_RETRY * (1 << min(attempts, 16)), MAX_RETRY)
    if isinstance(exc, MetaRateLimited) and exc.retry_after:
        delay = max(delay, timedelta(seconds=exc.retry_after))
    return delay


def _syncable(integration: MetaIntegration | None) -> bool:
    return (
        integration is not None
        and integration.status == IntegrationStatus.ACTIVE
        and integration.page is not None
        and integration.page_token_sealed is not None
    )


class SyncMeta:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        graph: MetaGraph,
        vault: TokenVault,
        app: MetaApp,
        metrics: Metrics,
        *,
        lease: timedelta = LEASE,
    ) -> None:
        self._uow, self._clock, self._graph, self._vault = uow, clock, graph, vault
        self._app, self._metrics, self._lease = app, metrics, lease

    async def due_ids(self, limit: int = 100) -> Sequence[str]:
        """Salons owed a sync now (and the lag gauge updated on the way)."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.meta_sync.due(now, limit)
            oldest = await uow.meta_sync.oldest_request()
        self._metrics.meta_sync_lag(_lag(oldest, now))
        return due

    async def lag_seconds(self) -> float:
        """Age of the oldest change not yet synced, 0 when none (also sets the gauge)."""
        now = self._clock.now()
        async with self._uow() as uow:
            oldest = await uow.meta_sync.oldest_request()
        lag = _lag(oldest, now)
        self._metrics.meta_sync_lag(lag)
        return lag

    async def sync(self, salon_id: str) -> str:
        """Claim the salon's due sync and bring Meta in step: synced | unchanged | failed |
        skipped (not due, taken by another worker, or no active integration)."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            if not await uow.meta_sync.claim(salon_id, now, now + self._lease):
                return "skipped"
            integration = await uow.meta.get(salon_id)
            salon = await uow.salons.get(salon_id)
            state = await uow.meta_sync.get(salon_id)
            page = integration.page if integration is not None and _syncable(integration) else None
            if salon is None or integration is None or page is None or state is None:
                await uow.meta_sync.cancel(salon_id)
                await uow.commit()
                self._metrics.meta_sync_finished("skipped")
                return "skipped"
            services = await uow.catalog.services(salon_id)
            await uow.commit()
        page_id = page.id
        profile = messenger_profile(self._app, salon)
        wanted = fingerprint(page_id, profile, services)
        if wanted == state.fingerprint:
            await self._settle(salon_id, done=(now, wanted))
            self._metrics.meta_sync_finished("unchanged")
            return "unchanged"
        token = open_sealed(
            self._vault, integration.page_token_sealed, token_context(salon_id, "page_token")
        )
        try:
            if token is None:
                raise MetaTokenInvalid("the sealed Page token cannot be opened", code=190)
            await self._graph.subscribe_page(page_id, token, key=salon_id)
            await self._graph.set_messenger_profile(page_id, token, key=salon_id, profile=profile)
        except MetaError as exc:
            log.warning("meta sync failed", extra={"salon_id": salon_id, "error": str(exc)})
            retry_at = self._clock.now() + retry_delay(state.attempts, exc)
            await self._settle(salon_id, failed=(wording.failure(exc, During.SYNC), retry_at))
            self._metrics.meta_sync_finished("failed")
            return "failed"
        await self._settle(salon_id, done=(now, wanted))
        self._metrics.meta_sync_finished("synced")
        return "synced"

    async def _settle(
        self,
        salon_id: str,
        *,
        done: tuple[datetime, str] | None = None,
        failed: tuple[str, datetime] | None = None,
    ) -> None:
        async with self._uow(write=True) as uow:
            if done is not None:
                await uow.meta_sync.done(salon_id, *done)
            elif failed is not None:
                await uow.meta_sync.failed(salon_id, *failed)
            await uow.commit()

    async def run_due(self, limit: int = 100) -> dict[str, int]:
        """Sync every due salon in this process (embedded mode, tests, the CLI)."""
        results: dict[str, int] = {}
        for salon_id in await self.due_ids(limit):
            result = await self.sync(salon_id)
            results[result] = results.get(result, 0) + 1
        return results

    async def reconcile(self) -> int:
        """Request a sync for every active integration not synced within RECONCILE_AFTER (or
        never): catches whatever a missed request left behind. How many were requested."""
        now = self._clock.now()
        cutoff = now - RECONCILE_AFTER
        requested = 0
        after: str | None = None
        while True:
            async with self._uow(write=True) as uow:
                batch = await uow.meta.with_tokens(after, RECONCILE_BATCH)
                active = [i.salon_id for i in batch if _syncable(i)]
                for salon_id in await uow.meta_sync.synced_before(active, cutoff):
                    await uow.meta_sync.request(salon_id, now, timedelta(0))
                    requested += 1
                await uow.commit()
            if len(batch) < RECONCILE_BATCH:
                break
            after = batch[-1].salon_id
        await self.lag_seconds()
        return requested


def _lag(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
