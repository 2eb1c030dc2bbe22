"""The owner's "Sync now": a full push of the Messenger profile, at once."""

from __future__ import annotations

from datetime import timedelta

from application.actor import Actor
from application.jobs.wakeup import Wakeup
from application.meta import wording
from application.meta.sync_requests import request_full_meta_sync
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.errors import Conflict
from domain.meta import IntegrationStatus
from domain.plans import Feature, require


class SyncNow:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, wakeup: Wakeup) -> None:
        self._uow, self._clock, self._wakeup = uow, clock, wakeup

    async def __call__(self, actor: Actor, salon_id: str) -> str:
        """Owe the salon a full sync now (what Meta was given before is forgotten, so nothing
        is skipped as unchanged). The job id names the salon's one sync job; its outcome shows
        in the status (last_sync_at, sync_error)."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require(salon, Feature.META)
            integration = await uow.meta.get(salon_id)
            if integration is None or integration.page is None:
                raise Conflict(wording.NOTHING_TO_SYNC)
            if integration.status != IntegrationStatus.ACTIVE:
                raise Conflict(wording.NOT_ACTIVE)
            state = await uow.meta_sync.get(salon_id)
            if state is not None and state.lease_until is not None and state.lease_until > now:
                # A worker is pushing right now: owe one more sync after it, and leave its
                # lease (and the backoff bookkeeping) alone.
                await uow.meta_sync.request(salon_id, now, timedelta(0))
            else:
                await request_full_meta_sync(uow, salon_id, now)
            await uow.commit()
        self._wakeup.notify()
        return f"meta-sync:{salon_id}"
