"""Ending a salon's Meta connection: by the owner (`Disconnect`), or because Meta says our
access is gone (`AccessLost`: permissions revoked, the app uninstalled).

The Page and tokens are forgotten in one write that also queues what Meta must undo; the
cleanup is tried at once after commit and retried on schedule (application/meta/cleanups.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from application.actor import Actor
from application.audit_trail import Trail, by_owner, by_system
from application.meta.cleanups import MetaCleanups, queue_cleanup
from application.meta.config import MetaApp
from application.meta.integrations import ConnectionChanged, other_logins, write_integration
from application.meta.views import MetaStatus, status_of
from application.ports.clock import Clock
from application.ports.owner_alert_repository import OwnerAlert
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import new_id
from application.tenancy import owned_salon
from domain.audit import changed
from domain.meta import IntegrationStatus
from domain.salon import Salon

ATTEMPTS = 3  # a connect racing in can make the disconnect's write stale: read again and redo


class Disconnect:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        vault: TokenVault,
        app: MetaApp,
        cleanups: MetaCleanups,
    ) -> None:
        self._uow, self._clock, self._vault, self._app = uow, clock, vault, app
        self._cleanups = cleanups

    async def __call__(self, actor: Actor, salon_id: str) -> MetaStatus:
        """Forget the Page and tokens now; what Meta must undo is queued and tried at once.

        Works on every plan (a downgraded salon can still disconnect) and when Meta is down.
        """
        salon, cleanup_id = await self._retrying(actor, salon_id)
        if cleanup_id is not None:
            await self._cleanups.attempt(cleanup_id)
        async with self._uow() as uow:
            integration = await uow.meta.get(salon.id)
        return status_of(self._app, salon, integration, self._clock.now())

    async def _retrying(self, actor: Actor, salon_id: str) -> tuple[Salon, str | None]:
        for _ in range(ATTEMPTS - 1):
            try:
                return await self._once(actor, salon_id, self._clock.now())
            except ConnectionChanged:
                continue
        return await self._once(actor, salon_id, self._clock.now())

    async def _once(self, actor: Actor, salon_id: str, now: datetime) -> tuple[Salon, str | None]:
        cleanup_id: str | None = None
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            current = await uow.meta.get(salon.id)
            if current is not None and current.status != IntegrationStatus.DISCONNECTED:
                others = await other_logins(uow, current.meta_user_id, salon.id)
                cleanup_id = await queue_cleanup(uow, self._vault, current, now, revoke=not others)
                after = current.disconnected(now)
                if not await write_integration(uow, after, current):
                    raise ConnectionChanged()
                await Trail(uow, salon.id, by_owner(actor), now).record(
                    "meta_integration.disconnected",
                    salon.id,
                    {
                        **changed("status", current.status, after.status),
                        **changed("page_id", current.page.id if current.page else None, None),
                    },
                )
                await uow.commit()
        return salon, cleanup_id


class AccessLost:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, vault: TokenVault, cleanups: MetaCleanups
    ) -> None:
        self._uow, self._clock, self._vault, self._cleanups = uow, clock, vault, cleanups

    async def __call__(self, salon_id: str, reason: str, job: str) -> bool:
        """Disconnect locally, keep the reason for the owner, alert them, and undo what tokens
        still can (no revoke: the owner may still want the app). False when nothing was
        connected."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            current = await uow.meta.get(salon_id)
            if current is None or current.status == IntegrationStatus.DISCONNECTED:
                return False
            cleanup_id = await queue_cleanup(uow, self._vault, current, now, revoke=False)
            after = replace(current.disconnected(now), sync_error=reason)
            if not await write_integration(uow, after, current):
                raise ConnectionChanged()
            await uow.alerts.add_alert(
                OwnerAlert(new_id(), salon_id, "meta_disconnected", reason, now),
                dedup_key=f"meta_disconnected:{salon_id}:{now.isoformat()}",
            )
            await Trail(uow, salon_id, by_system(job), now).record(
                "meta_integration.disconnected",
                salon_id,
                {
                    **changed("status", current.status, after.status),
                    **changed("reason", None, job),
                },
            )
            await uow.commit()
        if cleanup_id is not None:
            await self._cleanups.attempt(cleanup_id)
        return True
