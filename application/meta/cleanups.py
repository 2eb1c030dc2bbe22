"""What a disconnect leaves Meta to undo: queued in the disconnecting transaction, done after
commit (at once, then by the scheduled retries).

`queue_cleanup` copies what Meta must undo (with re-sealed tokens) into a cleanup row;
`MetaCleanups` unsubscribes the Page, removes the MBE install and revokes the login. Each step
is done once; a transient failure leaves the rest for a retry later (capped exponential
backoff). A dead token means Meta already dropped what it allowed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import replace
from datetime import datetime, timedelta

from application.meta.integrations import other_logins
from application.meta.sealed import open_sealed
from application.meta_errors import (
    MetaBadRequest,
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)
from application.ports.clock import Clock
from application.ports.meta_graph import MetaGraph
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import new_id
from domain.meta import (
    IntegrationStatus,
    MetaCleanup,
    MetaIntegration,
    MetaMode,
    cleanup_context,
    token_context,
)

log = logging.getLogger(__name__)


async def queue_cleanup(
    uow: UnitOfWork,
    vault: TokenVault,
    integration: MetaIntegration,
    now: datetime,
    *,
    revoke: bool,
) -> str | None:
    """The id of the cleanup row written in `uow` (None when no token is left to undo with)."""
    salon_id = integration.salon_id
    page_token = open_sealed(
        vault, integration.page_token_sealed, token_context(salon_id, "page_token")
    )
    user_token = open_sealed(
        vault, integration.user_token_sealed, token_context(salon_id, "user_token")
    )
    if page_token is None and user_token is None:
        return None
    cleanup_id = new_id()
    mbe = integration.mode == MetaMode.MBE and user_token is not None
    await uow.meta_cleanups.add_cleanup(
        MetaCleanup(
            id=cleanup_id,
            salon_id=salon_id,
            page_id=integration.page.id if integration.page and page_token else None,
            page_token_sealed=(
                vault.encrypt(page_token, context=cleanup_context(cleanup_id, "page"))
                if page_token and integration.page
                else None
            ),
            user_token_sealed=(
                vault.encrypt(user_token, context=cleanup_context(cleanup_id, "user"))
                if user_token
                else None
            ),
            external_business_id=salon_id if mbe else None,
            revoke=revoke and user_token is not None,
            meta_user_id=integration.meta_user_id,
            attempts=0,
            next_attempt_at=now,
            last_error=None,
            created_at=now,
        )
    )
    return cleanup_id


class MetaCleanups:
    MAX_ATTEMPTS = 30
    MAX_DELAY = timedelta(hours=6)

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, graph: MetaGraph, vault: TokenVault
    ) -> None:
        self._uow, self._clock, self._graph, self._vault = uow, clock, graph, vault

    async def run_due(self, limit: int = 100, *, everything: bool = False) -> dict[str, int]:
        """Cleanups whose retry time has come (`everything`: all of them, now)."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.meta_cleanups.due_cleanups(
                now + timedelta(days=3650) if everything else now, limit
            )
        counts = {"done": 0, "retry": 0, "abandoned": 0}
        for cleanup in due:
            counts[await self.attempt(cleanup.id)] += 1
        return counts

    async def attempt(self, cleanup_id: str) -> str:
        async with self._uow() as uow:
            cleanup = await uow.meta_cleanups.get_cleanup(cleanup_id)
        if cleanup is None:
            return "done"
        try:
            cleanup = await self._steps(cleanup)
        except (MetaUnavailable, MetaRateLimited) as exc:
            return await self._later(cleanup, exc)
        async with self._uow(write=True) as uow:
            await uow.meta_cleanups.delete_cleanup(cleanup.id)
            await uow.commit()
        return "done"

    async def _steps(self, cleanup: MetaCleanup) -> MetaCleanup:
        key = cleanup.salon_id
        page_token = self._open(cleanup.page_token_sealed, cleanup_context(cleanup.id, "page"))
        user_token = self._open(cleanup.user_token_sealed, cleanup_context(cleanup.id, "user"))
        if cleanup.page_id and page_token:
            await _tolerant(self._graph.unsubscribe_page(cleanup.page_id, page_token, key=key))
            cleanup = await self._save(replace(cleanup, page_id=None, page_token_sealed=None))
        if cleanup.external_business_id and user_token:
            await _tolerant(
                self._graph.delete_fbe_install(cleanup.external_business_id, user_token, key=key)
            )
            cleanup = await self._save(replace(cleanup, external_business_id=None))
        if cleanup.revoke and user_token:
            if not await self._login_still_used(cleanup):
                await _tolerant(self._graph.revoke_permissions(user_token, key=key))
            cleanup = await self._save(replace(cleanup, revoke=False, user_token_sealed=None))
        return cleanup

    async def _login_still_used(self, cleanup: MetaCleanup) -> bool:
        """Another salon, or this one reconnected meanwhile, still uses the login."""
        async with self._uow() as uow:
            still_used = await other_logins(uow, cleanup.meta_user_id, cleanup.salon_id)
            own = await uow.meta.get(cleanup.salon_id)
        reconnected = (
            own is not None
            and own.meta_user_id == cleanup.meta_user_id
            and own.status in (IntegrationStatus.ACTIVE, IntegrationStatus.PENDING)
        )
        return bool(still_used) or reconnected

    async def _save(self, cleanup: MetaCleanup) -> MetaCleanup:
        async with self._uow(write=True) as uow:
            await uow.meta_cleanups.update_cleanup(cleanup)
            await uow.commit()
        return cleanup

    async def _later(self, cleanup: MetaCleanup, exc: MetaError) -> str:
        now = self._clock.now()
        attempts = cleanup.attempts + 1
        async with self._uow(write=True) as uow:
            if attempts >= self.MAX_ATTEMPTS:
                log.warning(
                    "giving up Meta cleanup %s after %d attempts: %s", cleanup.id, attempts, exc
                )
                await uow.meta_cleanups.delete_cleanup(cleanup.id)
                await uow.commit()
                return "abandoned"
            delay = min(timedelta(minutes=2**attempts), self.MAX_DELAY)
            await uow.meta_cleanups.update_cleanup(
                replace(
                    cleanup,
                    attempts=attempts,
                    next_attempt_at=now + delay,
                    last_error=str(exc)[:500],
                )
            )
            await uow.commit()
        log.info("Meta cleanup %s postponed (%s): %s", cleanup.id, delay, exc)
        return "retry"

    def _open(self, sealed: str | None, context: str) -> str | None:
        return open_sealed(self._vault, sealed, context)


async def _tolerant(call: Awaitable[object]) -> None:
    """Await a cleanup call; a dead token, a missing permission or a refused request means
    there is nothing left for that token to undo, so the step counts as done."""
    try:
        await call
    except (MetaTokenInvalid, MetaPermissionMissing, MetaBadRequest) as exc:
        log.info("Meta cleanup step skipped: %s", exc)
