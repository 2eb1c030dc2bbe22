"""What the connection's use cases share: the optimistic write, the other salons on one login,
and the refusals every one of them may raise."""

from __future__ import annotations

from dataclasses import replace

from application.meta import wording
from application.meta.config import MetaApp
from application.ports.unit_of_work import UnitOfWork
from domain.errors import Conflict, DependencyUnavailable, Forbidden
from domain.meta import IntegrationStatus, MetaIntegration

LIVE = (IntegrationStatus.ACTIVE, IntegrationStatus.PENDING, IntegrationStatus.ERROR)


class StateRejected(Forbidden):
    """A callback whose `state` is missing, forged, expired or already used."""


class ConnectionChanged(Conflict):
    """The integration changed (e.g. was disconnected) while this use case talked to Meta."""

    def __init__(self) -> None:
        super().__init__(wording.CONNECTION_CHANGED)


def require_configured(app: MetaApp) -> None:
    if not app.configured:
        raise DependencyUnavailable(wording.NOT_CONFIGURED, 3600)


async def other_logins(
    uow: UnitOfWork, meta_user_id: str | None, salon_id: str
) -> list[MetaIntegration]:
    """Other salons still connected through the same Meta user's login (revoking it would cut
    them off too)."""
    if not meta_user_id:
        return []
    return [
        i
        for i in await uow.meta.by_meta_user(meta_user_id)
        if i.salon_id != salon_id and i.status in LIVE
    ]


async def write_integration(
    uow: UnitOfWork, new: MetaIntegration, seen: MetaIntegration | None
) -> bool:
    """Save `new` only if the stored row is still the `seen` one (optimistic concurrency)."""
    expected = seen.version if seen is not None else None
    return await uow.meta.save_if(replace(new, version=(expected or 0) + 1), expected)
