"""Writing audit entries from use cases, inside their unit of work (before commit).

The entry joins the caller's transaction, so it commits with the change or not at all.
The request id comes from the request context the inbound adapter set (None outside one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from application.actor import Actor
from application.ports.unit_of_work import UnitOfWork
from application.request_context import current_request_id
from application.security import new_id
from domain.audit import ActorType, AuditActor, AuditEntry, Change, EntityType

# Never worth keeping: ids are the entry's own columns, token hashes are secrets' shadows.
NOT_AUDITED: Final = frozenset({"id", "salon_id", "manage_token_hash", "created_at"})
_MAX_REQUEST_ID = 128


def by_owner(actor: Actor) -> AuditActor:
    return AuditActor(ActorType.OWNER, actor.owner_id)


def by_customer(customer_id: str) -> AuditActor:
    """The customer: through the booking widget or their manage link."""
    return AuditActor(ActorType.CUSTOMER, customer_id)


def by_operator(name: str | None = None) -> AuditActor:
    """Whoever runs the `salonhub` CLI."""
    return AuditActor(ActorType.OPERATOR, name)


def by_system(job: str | None = None) -> AuditActor:
    """A job or webhook acting on its own (reminders, Meta sync)."""
    return AuditActor(ActorType.SYSTEM, job)


@dataclass(frozen=True, slots=True)
class Trail:
    """Who acts on which salon, and when, inside one unit of work: records that unit's entries.

    `record` joins the unit's transaction, so call it before `commit()`.
    """

    uow: UnitOfWork
    salon_id: str
    by: AuditActor
    at: datetime

    async def record(self, action: str, entity_id: str, changes: Mapping[str, Change]) -> None:
        """One entry for `action` ("<entity type>.<verb>") with the fields that changed.

        Nothing is written when nothing changed: a no-op write leaves no trace.
        """
        kept = {field: change for field, change in changes.items() if field not in NOT_AUDITED}
        if not kept:
            return
        request_id = current_request_id()
        await self.uow.audit.record(
            AuditEntry(
                id=new_id(),
                salon_id=self.salon_id,
                at=self.at,
                actor_type=self.by.type,
                actor_id=self.by.id,
                action=action,
                entity_type=EntityType(action.partition(".")[0]),
                entity_id=entity_id,
                changes=kept,
                request_id=request_id[:_MAX_REQUEST_ID] if request_id else None,
            )
        )
