"""The owner logs in with Facebook: the dialog URL, then Meta's callback.

Flow (META.md): `connect` hands out Meta's login dialog URL with a signed, single-use `state`;
Meta sends the owner's browser back to `callback` with a `code`; we exchange it for a long-lived
user token, list the Pages the login granted, and either connect the only one or keep the login
waiting for the owner to pick (application/meta/page_picker.py). In MBE mode the dialog carries
the `extras` that set the Book Now buttons to our widget.

Meta is never called inside a database transaction: reads first, Meta next, one short write last.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.meta import wording
from application.meta.cleanups import queue_cleanup
from application.meta.config import LOGIN_SCOPES, MBE_SCOPES, MetaApp
from application.meta.connect_page import ConnectPage
from application.meta.integrations import (
    ConnectionChanged,
    StateRejected,
    require_configured,
    write_integration,
)
from application.meta.mbe_extras import COUNTRY_CURRENCY, mbe_extras
from application.meta.signing import StateClaims, StateSigner
from application.meta.wording import During
from application.meta_errors import MetaError
from application.ports.clock import Clock
from application.ports.meta_graph import MetaGraph, PageAccount
from application.ports.meta_login_state_repository import OAuthState
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.audit import changed
from domain.errors import Conflict
from domain.meta import IntegrationStatus, MetaIntegration, MetaMode, PageRef, token_context
from domain.plans import Feature, require
from domain.salon import Salon

log = logging.getLogger(__name__)

STATE_TTL = timedelta(minutes=10)
MAX_PICKER_PAGES = 50


@dataclass(frozen=True, slots=True)
class CallbackOutcome:
    """Where the owner's browser goes after Meta's dialog (the admin integration page)."""

    salon_id: str | None
    result: str  # "connected" | "select_page" | "error"
    error: str | None = None  # a short code: access_denied, page_in_use, meta_error, no_pages
    reason: str | None = None  # plain words for the owner


@dataclass(frozen=True, slots=True)
class _Login:
    """A Facebook user's long-lived login, as Meta's token exchange gave it."""

    user_id: str
    token: str
    expires_at: datetime | None


class MetaLogin:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        graph: MetaGraph,
        vault: TokenVault,
        app: MetaApp,
        signer: StateSigner,
        connect_page: ConnectPage,
    ) -> None:
        self._uow, self._clock, self._graph, self._vault = uow, clock, graph, vault
        self._app, self._signer, self._connect_page = app, signer, connect_page

    async def connect(self, actor: Actor, salon_id: str) -> str:
        """Meta's login dialog URL for this owner and salon (with `extras` in MBE mode)."""
        require_configured(self._app)
        now = self._clock.now()
        nonce = secrets.token_urlsafe(24)
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require(salon, Feature.META)
            services = await uow.catalog.services(salon.id)
            currency = services[0].currency if services else COUNTRY_CURRENCY.get(salon.country)
            expires = now + STATE_TTL
            await uow.meta_states.add_state(OAuthState(nonce, salon.id, actor.owner_id, expires))
            await uow.commit()
        state = self._signer.sign(StateClaims(nonce, salon.id, actor.owner_id, expires))
        params: list[tuple[str, str]] = [
            ("client_id", self._app.app_id),
            ("redirect_uri", self._app.redirect_uri),
            ("state", state),
            ("response_type", "code"),
        ]
        if self._app.mode == MetaMode.MBE:
            extras = mbe_extras(self._app, salon, currency or "USD")
            params.append(("scope", ",".join(MBE_SCOPES)))
            params.append(("extras", json.dumps(extras, separators=(",", ":"))))
        else:
            params.append(("scope", ",".join(LOGIN_SCOPES)))
        return f"{self._app.dialog_endpoint()}?{urlencode(params)}"

    async def callback(
        self,
        *,
        state: str | None,
        code: str | None,
        error: str | None = None,
        error_reason: str | None = None,
    ) -> CallbackOutcome:
        """Finish the login. A bad, expired or reused `state` raises StateRejected (nothing is
        stored); a declined dialog and Meta's failures come back as an outcome to show."""
        now = self._clock.now()
        claims = self._signer.verify(state or "", now)
        if error is not None or not code:
            # The owner cancelled (or Meta said why): nothing to store, just say so. The state
            # is still consumed so it cannot be replayed with a code later.
            salon_id = None
            if claims is not None and await self._consume(claims, now):
                salon_id = claims.salon_id
            reason = (
                wording.LOGIN_CANCELLED
                if (error or "") == "access_denied"
                else wording.LOGIN_INCOMPLETE
            )
            return CallbackOutcome(salon_id, "error", error or "missing_code", reason)
        if claims is None or not await self._consume(claims, now):
            raise StateRejected(wording.LOGIN_LINK_INVALID)
        require_configured(self._app)
        actor = Actor(claims.owner_id)
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, claims.salon_id)
            require(salon, Feature.META)
            current = await uow.meta.get(salon.id)
        try:
            return await self._finish_login(actor, salon, current, code)
        except MetaError as exc:
            log.warning("meta login failed for salon %s: %s", salon.id, exc)
            return CallbackOutcome(
                salon.id, "error", "meta_error", wording.failure(exc, During.CONNECT)
            )
        except ConnectionChanged as exc:
            return CallbackOutcome(salon.id, "error", "changed", exc.message)
        except Conflict as exc:
            return CallbackOutcome(salon.id, "error", "page_in_use", exc.message)

    async def _consume(self, claims: StateClaims, now: datetime) -> bool:
        async with self._uow(write=True) as uow:
            stored = await uow.meta_states.consume_state(claims.nonce, now)
            await uow.commit()
        return (
            stored is not None
            and stored.salon_id == claims.salon_id
            and stored.owner_id == claims.owner_id
        )

    async def _finish_login(
        self, actor: Actor, salon: Salon, current: MetaIntegration | None, code: str
    ) -> CallbackOutcome:
        key = salon.id
        short = await self._graph.exchange_code(code, redirect_uri=self._app.redirect_uri, key=key)
        long = await self._graph.exchange_long_lived(short.access_token, key=key)
        user = await self._graph.me(long.access_token, key=key)
        pages = list(await self._graph.list_pages(long.access_token, key=key))
        if self._app.mode == MetaMode.MBE:
            installs = await self._graph.fbe_installs(salon.id, long.access_token, key=key)
            installed = {p for install in installs for p in install.pages}
            if installed:
                pages = [p for p in pages if p.id in installed] or pages
        now = self._clock.now()
        user_expires = now + timedelta(seconds=long.expires_in) if long.expires_in else None
        if not pages:
            return CallbackOutcome(salon.id, "error", "no_pages", wording.NO_PAGES)
        if len(pages) == 1:
            await self._connect_page(
                actor, salon, pages[0], long.access_token, user.id, user_expires, seen=current
            )
            return CallbackOutcome(salon.id, "connected")
        candidates = await self._candidates(pages, key)
        login = _Login(user.id, long.access_token, user_expires)
        await self._await_pick(actor, salon, current, login, candidates)
        return CallbackOutcome(salon.id, "select_page")

    async def _await_pick(
        self,
        actor: Actor,
        salon: Salon,
        current: MetaIntegration | None,
        login: _Login,
        candidates: Sequence[PageRef],
    ) -> None:
        """Keep the login (sealed) and the Pages it granted until the owner picks one."""
        now = self._clock.now()
        # A login by another Facebook user replaces the connection (whose Page token belongs
        # to the first user); the same user logging in again keeps it until a Page is picked.
        replaces = (
            current is not None
            and current.status != IntegrationStatus.DISCONNECTED
            and current.meta_user_id is not None
            and current.meta_user_id != login.user_id
        )
        base = (
            MetaIntegration(
                salon_id=salon.id,
                status=IntegrationStatus.PENDING,
                mode=self._app.mode,
                created_at=current.created_at if current else now,
                updated_at=now,
            )
            if current is None or replaces
            else current
        )
        pending = replace(
            base,
            status=IntegrationStatus.PENDING
            if base.status != IntegrationStatus.ACTIVE
            else base.status,
            mode=self._app.mode,
            meta_user_id=login.user_id,
            user_token_sealed=self._vault.encrypt(
                login.token, context=token_context(salon.id, "user_token")
            ),
            user_token_expires_at=login.expires_at,
            candidate_pages=tuple(candidates),
            updated_at=now,
        )
        if pending.status != IntegrationStatus.ACTIVE:
            pending = replace(pending, sync_error=None)
        async with self._uow(write=True) as uow:
            if replaces and current is not None:
                await queue_cleanup(uow, self._vault, current, now, revoke=False)
            if not await write_integration(uow, pending, current):
                raise ConnectionChanged()
            trail = Trail(uow, salon.id, by_owner(actor), now)
            await trail.record(
                "meta_integration.login",
                salon.id,
                changed("candidate_pages", None, [p.id for p in candidates]),
            )
            await uow.commit()

    async def _candidates(self, pages: Sequence[PageAccount], key: str) -> list[PageRef]:
        refs: list[PageRef] = []
        for page in pages[:MAX_PICKER_PAGES]:
            username: str | None = None
            try:
                details = await self._graph.page_details(page.id, page.access_token, key=key)
                username = details.instagram.username if details.instagram else None
            except MetaError as exc:  # the picker still works without the Instagram name
                log.info("page details for the picker failed: %s", exc)
            refs.append(PageRef(page.id, page.name, username))
        return refs
