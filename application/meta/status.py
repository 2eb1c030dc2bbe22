"""The connection as the owner's status page shows it, with the token's health refreshed when
the last check is older than a minute."""

from __future__ import annotations

from datetime import timedelta

from application.actor import Actor
from application.meta import wording
from application.meta.config import MetaApp
from application.meta.health import TokenChecks
from application.meta.views import MetaStatus, status_of
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.meta import IntegrationStatus, MetaIntegration
from domain.plans import Feature, require


class ConnectionStatus:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, app: MetaApp, checks: TokenChecks
    ) -> None:
        self._uow, self._clock, self._app, self._checks = uow, clock, app, checks

    async def __call__(self, actor: Actor, salon_id: str) -> MetaStatus:
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require(salon, Feature.META)
            integration = await uow.meta.get(salon.id)
            taken = await _taken(uow, salon.id, integration)
            sync = await uow.meta_sync.get(salon.id)
        warnings: list[str] = []
        if integration is not None and integration.status == IntegrationStatus.ACTIVE:
            outcome = await self._checks.refresh(integration, max_age=timedelta(minutes=1))
            integration = outcome.integration
            if outcome.unreachable:
                warnings.append(wording.STATUS_UNCHECKED)
        return status_of(
            self._app,
            salon,
            integration,
            self._clock.now(),
            taken_pages=taken,
            extra_warnings=warnings,
            sync=sync,
        )


async def _taken(
    uow: UnitOfWork, salon_id: str, integration: MetaIntegration | None
) -> frozenset[str]:
    """The candidate Pages another salon holds (the picker shows them unavailable)."""
    if integration is None:
        return frozenset()
    taken: set[str] = set()
    for page in integration.candidate_pages:
        holder = await uow.meta.by_page(page.id)
        if holder is not None and holder.salon_id != salon_id:
            taken.add(page.id)
    return frozenset(taken)
