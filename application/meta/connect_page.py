"""Connecting one Facebook Page (after the login, or the owner's pick in the page picker).

Meta is read first (the Page's details, its token's health, the MBE install), then one short
write: the active integration, a cleanup for a Page it replaces, and a full Meta sync owed.
Subscribing the Page to our webhooks is part of that sync, which a worker runs after commit
(application/meta/sync.py): a refused write leaves nothing subscribed at Meta.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.jobs.wakeup import Wakeup
from application.meta import wording
from application.meta.cleanups import queue_cleanup
from application.meta.config import MetaApp
from application.meta.health import health_of
from application.meta.integrations import ConnectionChanged, write_integration
from application.meta.sync_requests import request_full_meta_sync
from application.meta_errors import MetaTokenInvalid
from application.ports.clock import Clock
from application.ports.meta_graph import MetaGraph, PageAccount
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.audit import changed
from domain.errors import Conflict
from domain.meta import (
    Buttons,
    InstagramRef,
    IntegrationStatus,
    MetaIntegration,
    MetaMode,
    PageRef,
    token_context,
)
from domain.salon import Salon


class ConnectPage:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        graph: MetaGraph,
        vault: TokenVault,
        app: MetaApp,
        wakeup: Wakeup,
    ) -> None:
        self._uow, self._clock, self._graph, self._vault = uow, clock, graph, vault
        self._app, self._wakeup = app, wakeup

    async def __call__(
        self,
        actor: Actor,
        salon: Salon,
        page: PageAccount,
        user_token: str,
        meta_user_id: str | None,
        user_expires: datetime | None,
        *,
        seen: MetaIntegration | None,
    ) -> None:
        """Connect `page`; refused (ConnectionChanged) when the integration is no longer the
        `seen` one the caller read before talking to Meta."""
        key = salon.id
        async with self._uow() as uow:
            holder = await uow.meta.by_page(page.id)
        if holder is not None and holder.salon_id != salon.id:
            raise Conflict(wording.PAGE_IN_USE)
        details = await self._graph.page_details(page.id, page.access_token, key=key)
        info = await self._graph.debug_token(page.access_token, key=key)
        if not info.is_valid:
            raise MetaTokenInvalid(
                "the Page token is not valid",
                code=info.error_code or 190,
                subcode=info.error_subcode,
            )
        now = self._clock.now()
        buttons = Buttons()
        sync_error: str | None = None
        if self._app.mode == MetaMode.MBE:
            installs = await self._graph.fbe_installs(salon.id, user_token, key=key)
            if installs:
                buttons = self._app.buttons(salon)
            else:
                sync_error = wording.MBE_NOT_CONFIRMED
        ref = PageRef(page.id, details.name or page.name)
        connected = MetaIntegration(
            salon_id=salon.id,
            status=IntegrationStatus.ACTIVE,
            mode=self._app.mode,
            created_at=now,
            updated_at=now,
            meta_user_id=meta_user_id,
            user_token_sealed=self._vault.encrypt(
                user_token, context=token_context(salon.id, "user_token")
            ),
            user_token_expires_at=user_expires,
            page=ref,
            instagram=(
                InstagramRef(details.instagram.id, details.instagram.username)
                if details.instagram
                else None
            ),
            page_token_sealed=self._vault.encrypt(
                page.access_token, context=token_context(salon.id, "page_token")
            ),
            candidate_pages=(),
            buttons=buttons,
            token=health_of(info, now),
            last_sync_at=now,
            sync_error=sync_error,
        )
        async with self._uow(write=True) as uow:
            await self._write(uow, actor, connected, ref, seen, now)
            await uow.commit()
        self._wakeup.notify()  # the sync that subscribes the Page is due now

    async def _write(
        self,
        uow: UnitOfWork,
        actor: Actor,
        connected: MetaIntegration,
        page: PageRef,
        seen: MetaIntegration | None,
        now: datetime,
    ) -> None:
        salon_id = connected.salon_id
        before = await uow.meta.get(salon_id)
        if (before.version if before else None) != (seen.version if seen else None):
            raise ConnectionChanged()
        instagram = connected.instagram
        if before is not None:
            connected = replace(connected, created_at=before.created_at)  # first connected
            if before.page is not None and before.page.id != page.id:
                # The salon switched Pages: the old one is unsubscribed later.
                await queue_cleanup(uow, self._vault, before, now, revoke=False)
        if not await write_integration(uow, connected, before):
            raise ConnectionChanged()
        await request_full_meta_sync(uow, salon_id, now)
        await Trail(uow, salon_id, by_owner(actor), now).record(
            "meta_integration.connected",
            salon_id,
            {
                **changed("status", before.status if before else None, connected.status),
                **changed("page_id", before.page.id if before and before.page else None, page.id),
                **changed(
                    "instagram_username",
                    before.instagram.username if before and before.instagram else None,
                    instagram.username if instagram else None,
                ),
            },
        )
