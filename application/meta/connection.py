"""The owner connects, checks, and disconnects their Facebook Page and Instagram account.

Flow (META.md): `connect` hands out Meta's login dialog URL with a signed, single-use `state`;
Meta sends the owner's browser back to `callback` with a `code`; we exchange it for a long-lived
user token, list the Pages the login granted, and either connect the only one or wait for the
owner to pick (`select_page`). Connecting subscribes the Page to our webhooks and, in MBE mode,
confirms the install whose `extras` set the Book Now buttons to our widget.

Meta is never called inside a database transaction: reads first, Meta next, one short write last.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from application.actor import Actor
from application.audit_trail import Trail, by_owner, by_system
from application.meta.config import LOGIN_SCOPES, MBE_SCOPES, MetaApp
from application.meta.health import TokenChecks, health_of
from application.meta.sealed import open_sealed
from application.meta.signing import StateClaims, StateSigner
from application.meta.sync_requests import request_full_meta_sync
from application.meta.views import MetaStatus, status_of
from application.meta_errors import (
    MetaBadRequest,
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)
from application.ports.clock import Clock
from application.ports.meta_graph import MetaGraph, PageAccount
from application.ports.meta_repository import OAuthState, OwnerAlert
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import new_id
from application.tenancy import owned_salon
from domain.audit import changed
from domain.errors import (
    Conflict,
    DependencyUnavailable,
    Forbidden,
    PlanRequired,
    ValidationFailed,
)
from domain.meta import (
    PERMISSION_REASON,
    Buttons,
    InstagramRef,
    IntegrationStatus,
    MetaCleanup,
    MetaIntegration,
    MetaMode,
    PageRef,
    cleanup_context,
    token_context,
    token_death_reason,
)
from domain.salon import Salon, Tier

log = logging.getLogger(__name__)

STATE_TTL = timedelta(minutes=10)
MAX_PICKER_PAGES = 50
PAID_TIERS = frozenset({Tier.GROWTH, Tier.ELITE})
# When the salon has no service yet, the currency of the salon's country (else USD).
COUNTRY_CURRENCY = {
    "IN": "INR",
    "US": "USD",
    "GB": "GBP",
    "AE": "AED",
    "AU": "AUD",
    "CA": "CAD",
    "SG": "SGD",
    "VN": "VND",
    "TH": "THB",
    "PH": "PHP",
    "NP": "NPR",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "IE": "EUR",
    "NZ": "NZD",
}
PAGE_IN_USE = "That Facebook Page is already connected to another SalonHub salon."


@dataclass(frozen=True, slots=True)
class CallbackOutcome:
    """Where the owner's browser goes after Meta's dialog (the admin integration page)."""

    salon_id: str | None
    result: str  # "connected" | "select_page" | "error"
    error: str | None = None  # a short code: access_denied, page_in_use, meta_error, no_pages
    reason: str | None = None  # plain words for the owner


class StateRejected(Forbidden):
    """A callback whose `state` is missing, forged, expired or already used."""


class ConnectionChanged(Conflict):
    """The integration changed (e.g. was disconnected) while this use case talked to Meta."""

    def __init__(self) -> None:
        super().__init__(
            "The Facebook connection changed while we were setting it up (for example, it was "
            "disconnected meanwhile). Connect again."
        )


async def other_logins(
    uow: UnitOfWork, meta_user_id: str | None, salon_id: str
) -> list[MetaIntegration]:
    """Other salons still connected through the same Meta user's login (revoking it would cut
    them off too)."""
    if not meta_user_id:
        return []
    live = (IntegrationStatus.ACTIVE, IntegrationStatus.PENDING, IntegrationStatus.ERROR)
    return [
        i
        for i in await uow.meta.by_meta_user(meta_user_id)
        if i.salon_id != salon_id and i.status in live
    ]


async def write_integration(
    uow: UnitOfWork, new: MetaIntegration, seen: MetaIntegration | None
) -> bool:
    """Save `new` only if the stored row is still the `seen` one (optimistic concurrency)."""
    expected = seen.version if seen is not None else None
    return await uow.meta.save_if(replace(new, version=(expected or 0) + 1), expected)


def require_paid(salon: Salon) -> None:
    if salon.tier not in PAID_TIERS:
        raise PlanRequired(
            "Connecting Facebook & Instagram needs the Growth or Elite plan.",
            {"required": sorted(t.value for t in PAID_TIERS), "tier": salon.tier.value},
        )


def _plain(exc: MetaError) -> str:
    """What an owner reads when Meta refused or failed during a connect."""
    if isinstance(exc, MetaTokenInvalid):
        return token_death_reason(exc.subcode)
    if isinstance(exc, MetaPermissionMissing):
        return PERMISSION_REASON
    if isinstance(exc, MetaRateLimited):
        return "Meta is limiting requests right now. Wait a few minutes and connect again."
    if isinstance(exc, MetaUnavailable):
        return "We could not reach Meta just now. Try connecting again in a few minutes."
    return "Meta refused the connection request. Connect again; if it keeps failing, contact us."


def _unavailable(exc: MetaError) -> DependencyUnavailable:
    retry = getattr(exc, "retry_after", None)
    return DependencyUnavailable(_plain(exc), int(retry) if retry else 30)


class MetaConnection:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        graph: MetaGraph,
        vault: TokenVault,
        app: MetaApp,
        secret_key: bytes,
    ) -> None:
        self._uow, self._clock, self._graph, self._vault = uow, clock, graph, vault
        self._app = app
        self._signer = StateSigner(secret_key)
        self.checks = TokenChecks(uow, clock, graph, vault)
        self.cleanups = MetaCleanups(uow, clock, graph, vault)

    @property
    def app(self) -> MetaApp:
        return self._app

    def _require_configured(self) -> None:
        if not self._app.configured:
            raise DependencyUnavailable(
                "Facebook & Instagram are not configured on this server (SALONHUB_META_APP_ID).",
                3600,
            )

    # -- connect --------------------------------------------------------------------------

    async def connect(self, actor: Actor, salon_id: str) -> str:
        """Meta's login dialog URL for this owner and salon (with `extras` in MBE mode)."""
        self._require_configured()
        now = self._clock.now()
        nonce = secrets.token_urlsafe(24)
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require_paid(salon)
            services = await uow.catalog.services(salon.id)
            currency = services[0].currency if services else COUNTRY_CURRENCY.get(salon.country)
            expires = now + STATE_TTL
            await uow.meta.add_state(OAuthState(nonce, salon.id, actor.owner_id, expires))
            await uow.commit()
        state = self._signer.sign(StateClaims(nonce, salon.id, actor.owner_id, expires))
        params: list[tuple[str, str]] = [
            ("client_id", self._app.app_id),
            ("redirect_uri", self._app.redirect_uri),
            ("state", state),
            ("response_type", "code"),
        ]
        if self._app.mode == MetaMode.MBE:
            params.append(("scope", ",".join(MBE_SCOPES)))
            params.append(
                (
                    "extras",
                    json.dumps(self._extras(salon, currency or "USD"), separators=(",", ":")),
                )
            )
        else:
            params.append(("scope", ",".join(LOGIN_SCOPES)))
        return f"{self._app.dialog_endpoint()}?{urlencode(params)}"

    def _extras(self, salon: Salon, currency: str) -> dict[str, object]:
        """META.md's MBE `extras`: the business, and the buttons pointing at our widget."""
        buttons = self._app.buttons(salon)
        return {
            "setup": {
                "external_business_id": salon.id,
                "timezone": salon.timezone,
                "currency": currency,
                "business_vertical": "APPOINTMENTS",
            },
            "business_config": {
                "business": {"name": salon.name},
                "page_cta": {
                    "enabled": True,
                    "cta_button_text": "Book Now",
                    "cta_button_url": buttons.facebook,
                },
                "ig_cta": {
                    "enabled": True,
                    "cta_button_text": "Book Now",
                    "cta_button_url": buttons.instagram,
                },
                "messenger_menu": {
                    "enabled": True,
                    "cta_button_text": "Book Now",
                    "cta_button_url": buttons.messenger,
                },
            },
            "repeat": False,
        }

    # -- callback -------------------------------------------------------------------------

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
                "You cancelled the Facebook login, so nothing was connected."
                if (error or "") == "access_denied"
                else "Facebook did not complete the login. Try connecting again."
            )
            return CallbackOutcome(salon_id, "error", error or "missing_code", reason)
        if claims is None or not await self._consume(claims, now):
            raise StateRejected("This login link is invalid, expired or already used.")
        self._require_configured()
        actor = Actor(claims.owner_id)
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, claims.salon_id)
            require_paid(salon)
            current = await uow.meta.get(salon.id)
        try:
            return await self._finish_login(actor, salon, current, code)
        except MetaError as exc:
            log.warning("meta login failed for salon %s: %s", salon.id, exc)
            return CallbackOutcome(salon.id, "error", "meta_error", _plain(exc))
        except ConnectionChanged as exc:
            return CallbackOutcome(salon.id, "error", "changed", exc.message)
        except Conflict as exc:
            return CallbackOutcome(salon.id, "error", "page_in_use", exc.message)

    async def _consume(self, claims: StateClaims, now: datetime) -> bool:
        async with self._uow(write=True) as uow:
            stored = await uow.meta.consume_state(claims.nonce, now)
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
            return CallbackOutcome(
                salon.id,
                "error",
                "no_pages",
                "The Facebook login did not grant any Page. Connect again and select your "
                "salon's Page.",
            )
        if len(pages) == 1:
            await self._connect_page(
                actor, salon, pages[0], long.access_token, user.id, user_expires, seen=current
            )
            return CallbackOutcome(salon.id, "connected")
        candidates = await self._candidates(salon, pages, key)
        # A login by another Facebook user replaces the connection (whose Page token belongs
        # to the first user); the same user logging in again keeps it until a Page is picked.
        replaces = (
            current is not None
            and current.status != IntegrationStatus.DISCONNECTED
            and current.meta_user_id is not None
            and current.meta_user_id != user.id
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
            meta_user_id=user.id,
            user_token_sealed=self._vault.encrypt(
                long.access_token, context=token_context(salon.id, "user_token")
            ),
            user_token_expires_at=user_expires,
            candidate_pages=tuple(candidates),
            updated_at=now,
        )
        if pending.status != IntegrationStatus.ACTIVE:
            pending = replace(pending, sync_error=None)
        async with self._uow(write=True) as uow:
            if replaces and current is not None:
                await self._queue_cleanup(uow, current, now, revoke=False)
            if not await write_integration(uow, pending, current):
                raise ConnectionChanged()
            trail = Trail(uow, salon.id, by_owner(actor), now)
            await trail.record(
                "meta_integration.login",
                salon.id,
                changed("candidate_pages", None, [p.id for p in candidates]),
            )
            await uow.commit()
        return CallbackOutcome(salon.id, "select_page")

    async def _candidates(
        self, salon: Salon, pages: Sequence[PageAccount], key: str
    ) -> list[PageRef]:
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

    # -- select a Page --------------------------------------------------------------------

    async def select_page(self, actor: Actor, salon_id: str, page_id: str) -> MetaStatus:
        self._require_configured()
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require_paid(salon)
            current = await uow.meta.get(salon.id)
        if current is None or not current.candidate_pages or current.user_token_sealed is None:
            raise Conflict("No Facebook login is waiting for a Page choice. Connect again.")
        if page_id not in {p.id for p in current.candidate_pages}:
            raise ValidationFailed(
                "That Page was not granted by the Facebook login.",
                {"page_id": "not one of the Pages the login granted"},
            )
        user_token = self._open(current.user_token_sealed, token_context(salon.id, "user_token"))
        if user_token is None:
            raise Conflict("The stored Facebook login cannot be read. Connect again.")
        try:
            pages = await self._graph.list_pages(user_token, key=salon.id)
            page = next((p for p in pages if p.id == page_id), None)
            if page is None:
                raise Conflict("Meta no longer lists that Page for your login. Connect again.")
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
            raise _unavailable(exc) from None
        except MetaError as exc:  # ConnectionChanged and Page conflicts pass through as 409
            raise Conflict(_plain(exc), {"meta_code": exc.code}) from None
        return await self.status(actor, salon_id)

    async def _connect_page(
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
            raise Conflict(PAGE_IN_USE)
        details = await self._graph.page_details(page.id, page.access_token, key=key)
        await self._graph.subscribe_page(page.id, page.access_token, key=key)
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
                sync_error = (
                    "Meta did not confirm the Business Extension install, so the Book Now "
                    "buttons are not set. Connect again, or add the booking links by hand."
                )
        async with self._uow(write=True) as uow:
            current = await uow.meta.get(salon.id)
            if (current.version if current else None) != (seen.version if seen else None):
                raise ConnectionChanged()
            before = current
            created = current.created_at if current else now
            connected = MetaIntegration(
                salon_id=salon.id,
                status=IntegrationStatus.ACTIVE,
                mode=self._app.mode,
                created_at=created,
                updated_at=now,
                meta_user_id=meta_user_id,
                user_token_sealed=self._vault.encrypt(
                    user_token, context=token_context(salon.id, "user_token")
                ),
                user_token_expires_at=user_expires,
                page=PageRef(page.id, details.name or page.name),
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
            if before is not None and before.page is not None and before.page.id != page.id:
                # The salon switched Pages: the old one is unsubscribed later.
                await self._queue_cleanup(uow, before, now, revoke=False)
            if not await write_integration(uow, connected, before):
                raise ConnectionChanged()
            await request_full_meta_sync(uow, salon.id, now)
            trail = Trail(uow, salon.id, by_owner(actor), now)
            await trail.record(
                "meta_integration.connected",
                salon.id,
                {
                    **changed("status", before.status if before else None, connected.status),
                    **changed(
                        "page_id",
                        before.page.id if before and before.page else None,
                        page.id,
                    ),
                    **changed(
                        "instagram_username",
                        before.instagram.username if before and before.instagram else None,
                        connected.instagram.username if connected.instagram else None,
                    ),
                },
            )
            await uow.commit()

    # -- status ---------------------------------------------------------------------------

    async def status(self, actor: Actor, salon_id: str) -> MetaStatus:
        async with self._uow() as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require_paid(salon)
            integration = await uow.meta.get(salon.id)
            taken = await self._taken(uow, salon.id, integration)
            sync = await uow.meta_sync.get(salon.id)
        warnings: list[str] = []
        if integration is not None and integration.status == IntegrationStatus.ACTIVE:
            outcome = await self.checks.refresh(integration, max_age=timedelta(minutes=1))
            integration = outcome.integration
            if outcome.unreachable:
                warnings.append(
                    "We could not reach Meta to check the connection just now; the token "
                    "health shown is from the last check."
                )
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
        self, uow: UnitOfWork, salon_id: str, integration: MetaIntegration | None
    ) -> frozenset[str]:
        if integration is None:
            return frozenset()
        taken: set[str] = set()
        for page in integration.candidate_pages:
            holder = await uow.meta.by_page(page.id)
            if holder is not None and holder.salon_id != salon_id:
                taken.add(page.id)
        return frozenset(taken)

    # -- disconnect -----------------------------------------------------------------------

    async def request_sync(self, actor: Actor, salon_id: str) -> str:
        """ "Sync now": owe the salon a full push of its Messenger profile at once (what Meta
        was given before is forgotten, so nothing is skipped as unchanged). The job id names the
        salon's one sync job; its outcome shows in the status (last_sync_at, sync_error)."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            require_paid(salon)
            integration = await uow.meta.get(salon_id)
            if integration is None or integration.page is None:
                raise Conflict("Connect a Facebook Page first; there is nothing to sync yet.")
            if integration.status != IntegrationStatus.ACTIVE:
                raise Conflict("The connection is not active: reconnect Facebook & Instagram.")
            state = await uow.meta_sync.get(salon_id)
            if state is not None and state.lease_until is not None and state.lease_until > now:
                # A worker is pushing right now: owe one more sync after it, and leave its
                # lease (and the backoff bookkeeping) alone.
                await uow.meta_sync.request(salon_id, now, timedelta(0))
            else:
                await request_full_meta_sync(uow, salon_id, now)
            await uow.commit()
        return f"meta-sync:{salon_id}"

    async def disconnect(self, actor: Actor, salon_id: str) -> MetaStatus:
        """Forget the Page and tokens now; what Meta must undo is queued and tried at once.

        Works on every plan (a downgraded salon can still disconnect) and when Meta is down.
        """
        salon, cleanup_id = await self._disconnect_retrying(actor, salon_id)
        if cleanup_id is not None:
            await self.cleanups.attempt(cleanup_id)
        async with self._uow() as uow:
            integration = await uow.meta.get(salon.id)
        return status_of(self._app, salon, integration, self._clock.now())

    async def _disconnect_retrying(
        self, actor: Actor, salon_id: str, attempts: int = 3
    ) -> tuple[Salon, str | None]:
        """A connect racing in can make the disconnect's write stale: read again and redo."""
        for _ in range(attempts - 1):
            try:
                return await self._disconnect_once(actor, salon_id)
            except ConnectionChanged:
                continue
        return await self._disconnect_once(actor, salon_id)

    async def _disconnect_once(self, actor: Actor, salon_id: str) -> tuple[Salon, str | None]:
        now = self._clock.now()
        cleanup_id: str | None = None
        async with self._uow(write=True) as uow:
            salon = await owned_salon(uow, actor, salon_id)
            current = await uow.meta.get(salon.id)
            if current is not None and current.status != IntegrationStatus.DISCONNECTED:
                others = await other_logins(uow, current.meta_user_id, salon.id)
                cleanup_id = await self._queue_cleanup(uow, current, now, revoke=not others)
                after = current.disconnected(now)
                if not await write_integration(uow, after, current):
                    raise ConnectionChanged()
                trail = Trail(uow, salon.id, by_owner(actor), now)
                await trail.record(
                    "meta_integration.disconnected",
                    salon.id,
                    {
                        **changed("status", current.status, after.status),
                        **changed("page_id", current.page.id if current.page else None, None),
                    },
                )
                await uow.commit()
        return salon, cleanup_id

    async def drop(self, salon_id: str, reason: str, job: str) -> bool:
        """Meta says our access is gone (permissions revoked, app uninstalled): disconnect
        locally, keep the reason for the owner, alert them, and undo what tokens still can
        (no revoke: the owner may still want the app). False when nothing was connected."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            current = await uow.meta.get(salon_id)
            if current is None or current.status == IntegrationStatus.DISCONNECTED:
                return False
            cleanup_id = await self._queue_cleanup(uow, current, now, revoke=False)
            after = replace(current.disconnected(now), sync_error=reason)
            if not await write_integration(uow, after, current):
                raise ConnectionChanged()
            await uow.meta.add_alert(
                OwnerAlert(new_id(), salon_id, "meta_disconnected", reason, now),
                dedup_key=f"meta_disconnected:{salon_id}:{now.isoformat()}",
            )
            trail = Trail(uow, salon_id, by_system(job), now)
            await trail.record(
                "meta_integration.disconnected",
                salon_id,
                {
                    **changed("status", current.status, after.status),
                    **changed("reason", None, job),
                },
            )
            await uow.commit()
        if cleanup_id is not None:
            await self.cleanups.attempt(cleanup_id)
        return True

    async def _queue_cleanup(
        self, uow: UnitOfWork, integration: MetaIntegration, now: datetime, *, revoke: bool
    ) -> str | None:
        """Copy what Meta must undo (with re-sealed tokens) into a cleanup row."""
        page_token = self._open(
            integration.page_token_sealed, token_context(integration.salon_id, "page_token")
        )
        user_token = self._open(
            integration.user_token_sealed, token_context(integration.salon_id, "user_token")
        )
        if page_token is None and user_token is None:
            return None
        cleanup_id = new_id()
        mbe = integration.mode == MetaMode.MBE and user_token is not None
        await uow.meta.add_cleanup(
            MetaCleanup(
                id=cleanup_id,
                salon_id=integration.salon_id,
                page_id=integration.page.id if integration.page and page_token else None,
                page_token_sealed=(
                    self._vault.encrypt(page_token, context=cleanup_context(cleanup_id, "page"))
                    if page_token and integration.page
                    else None
                ),
                user_token_sealed=(
                    self._vault.encrypt(user_token, context=cleanup_context(cleanup_id, "user"))
                    if user_token
                    else None
                ),
                external_business_id=integration.salon_id if mbe else None,
                revoke=revoke and user_token is not None,
                meta_user_id=integration.meta_user_id,
                attempts=0,
                next_attempt_at=now,
                last_error=None,
                created_at=now,
            )
        )
        return cleanup_id

    def _open(self, sealed: str | None, context: str) -> str | None:
        return open_sealed(self._vault, sealed, context)


class MetaCleanups:
    """Undo at Meta what a disconnect left: unsubscribe the Page, remove the MBE install, revoke
    the login. Each step is done once; a transient failure leaves the rest for a retry later
    (capped exponential backoff). A dead token means Meta already dropped what it allowed."""

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
            due = await uow.meta.due_cleanups(
                now + timedelta(days=3650) if everything else now, limit
            )
        counts = {"done": 0, "retry": 0, "abandoned": 0}
        for cleanup in due:
            counts[await self.attempt(cleanup.id)] += 1
        return counts

    async def attempt(self, cleanup_id: str) -> str:
        async with self._uow() as uow:
            cleanup = await uow.meta.get_cleanup(cleanup_id)
        if cleanup is None:
            return "done"
        try:
            cleanup = await self._steps(cleanup)
        except (MetaUnavailable, MetaRateLimited) as exc:
            return await self._later(cleanup, exc)
        async with self._uow(write=True) as uow:
            await uow.meta.delete_cleanup(cleanup.id)
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
            async with self._uow() as uow:
                still_used = await other_logins(uow, cleanup.meta_user_id, cleanup.salon_id)
                own = await uow.meta.get(cleanup.salon_id)
            if (
                own is not None
                and own.meta_user_id == cleanup.meta_user_id
                and own.status
                in (
                    IntegrationStatus.ACTIVE,
                    IntegrationStatus.PENDING,
                )
            ):
                still_used.append(own)  # the salon reconnected with the same login meanwhile
            if not still_used:
                await _tolerant(self._graph.revoke_permissions(user_token, key=key))
            cleanup = await self._save(replace(cleanup, revoke=False, user_token_sealed=None))
        return cleanup

    async def _save(self, cleanup: MetaCleanup) -> MetaCleanup:
        async with self._uow(write=True) as uow:
            await uow.meta.update_cleanup(cleanup)
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
                await uow.meta.delete_cleanup(cleanup.id)
                await uow.commit()
                return "abandoned"
            delay = min(timedelta(minutes=2**attempts), self.MAX_DELAY)
            await uow.meta.update_cleanup(
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


__all__ = [
    "CallbackOutcome",
    "MetaCleanups",
    "MetaConnection",
    "StateRejected",
    "require_paid",
]
