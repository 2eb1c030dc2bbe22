from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import QueryParameter

from application.actor import Actor
from application.audit_query import DEFAULT_LIMIT, MAX_LIMIT, AuditFilter
from application.use_cases import UseCases
from domain.audit import EntityType

from . import presenters as present
from .dependencies import provide_actor
from .params import parse_enum, parse_instant
from .schemas.audit import AuditPageOut

Text = Annotated[str | None, QueryParameter(required=False, max_length=200)]


class AuditController(Controller):
    path = "/api/salons/{salon_id:str}/audit"
    tags = ["audit"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("")
    async def search(
        self,
        salon_id: str,
        actor: Actor,
        use_cases: UseCases,
        from_: Annotated[str | None, QueryParameter(query="from", required=False)] = None,
        to: Text = None,
        entity: Annotated[
            str | None, QueryParameter(required=False, enum=[e.value for e in EntityType])
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: Text = None,
    ) -> AuditPageOut:
        """The salon's audit log, newest first; pass `next_cursor` back as `cursor`."""
        filters = AuditFilter(
            start_from=parse_instant(from_, "from") if from_ else None,
            start_to=parse_instant(to, "to") if to else None,
            entity_type=parse_enum(EntityType, entity, "entity") if entity else None,
            limit=limit,
            cursor=cursor or None,
        )
        return present.audit_page(await use_cases.audit.search(actor, salon_id, filters))
