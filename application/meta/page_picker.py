"""The owner picks which granted Page to connect, when the login granted several."""

from __future__ import annotations

from application.actor import Actor
from application.meta import wording
from application.meta.config import MetaApp
from application.meta.connect_page import ConnectPage
from application.meta.integrations import require_configured
from application.meta.sealed import open_sealed
from application.meta.status import ConnectionStatus
from application.meta.views import MetaStatus
from application.meta.wording import During
from application.meta_errors import MetaError, MetaRateLimited, MetaUnavailable
from application.ports.meta_graph import MetaGraph
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.errors import Conflict, DependencyUnavailable, ValidationFailed
from domain.meta import token_context
from domain.plans import Feature, require


class SelectPage:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        graph: MetaGraph,
        vault: TokenVault,
        app: MetaApp,
        connect_page: ConnectPage,
        status: ConnectionStatus,
    ) -> None:
        self._uow, self._graph, self._vault, self._app = uow, graph, vault, app
        self._connect_page, self._status = connect_page, status

    async def __call__(self, actor: Actor, salon_id: str, page_id: str) -> MetaStatus:
        require_configured(self._app)
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require(salon, Feature.META)
            current = await uow.meta.get(salon.id)
        if current is None or not current.candidate_pages or current.user_token_sealed is None:
            raise Conflict(wording.NO_LOGIN_WAITING)
        if page_id not in {p.id for p in current.candidate_pages}:
            raise ValidationFailed(
                wording.PAGE_NOT_GRANTED, {"page_id": "not one of the Pages the login granted"}
            )
        user_token = open_sealed(
            self._vault, current.user_token_sealed, token_context(salon.id, "user_token")
        )
        if user_token is None:
            raise Conflict(wording.LOGIN_UNREADABLE)
        try:
            pages = await self._graph.list_pages(user_token, key=salon.id)
            page = next((p for p in pages if p.id == page_id), None)
            if page is None:
                raise Conflict(wording.PAGE_NO_LONGER_LISTED)
            await self._connect_page(
                actor,
                salon,
                page,
                user_token,
                current.meta_user_id,
                current.user_token_expires_at,
                seen=current,
            )
        except (MetaUnavailable, MetaRateLimited) as exc:
            retry = getattr(exc, "retry_after", None)
            reason = wording.failure(exc, During.CONNECT)
            raise DependencyUnavailable(reason, int(retry) if retry else 30) from None
        except MetaError as exc:  # ConnectionChanged and Page conflicts pass through as 409
            raise Conflict(wording.failure(exc, During.CONNECT), {"meta_code": exc.code}) from None
        return await self._status(actor, salon_id)
