"""The Meta routes of API.md: connect, callback, page picker, status, disconnect, and Meta's
deauthorize / data-deletion callbacks (form posts with a `signed_request`)."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Redirect

from application.actor import Actor
from application.meta.views import MetaStatus
from application.use_cases import UseCases
from domain.errors import Unauthorized

from .dependencies import provide_actor
from .presenters import local
from .rate_limits import Throttle
from .schemas.types import PRINTABLE

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=PRINTABLE)]
PageId = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
ADMIN_PAGE = "/admin/integrations/meta"
CallbackText = Annotated[str | None, Parameter(required=False, max_length=4096)]


class SalonIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    salon_id: Id


class SelectPageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    salon_id: Id
    page_id: PageId


class AuthorizeOut(msgspec.Struct, kw_only=True):
    authorize_url: str


class PageOut(msgspec.Struct, kw_only=True):
    id: str
    name: str


class InstagramOut(msgspec.Struct, kw_only=True):
    id: str
    username: str | None


class ButtonsOut(msgspec.Struct, kw_only=True):
    facebook: str | None
    instagram: str | None
    messenger: str | None


class TokenOut(msgspec.Struct, kw_only=True):
    valid: bool | None
    expires_at: str | None  # null: never expires (or not checked yet)
    data_access_expires_at: str | None
    checked_at: str | None


class LinksOut(msgspec.Struct, kw_only=True):
    instagram: str
    facebook: str
    messenger: str
    story: str


class PageChoiceOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    instagram_username: str | None
    available: bool


class MetaStatusOut(msgspec.Struct, kw_only=True):
    status: str
    mode: str
    page: PageOut | None
    instagram: InstagramOut | None
    buttons: ButtonsOut
    token: TokenOut
    last_sync_at: str | None
    sync_error: str | None
    sync_lag_seconds: int  # how long the oldest change has waited to reach Meta (0: in step)
    booking_links: LinksOut
    warnings: list[str]
    pages: list[PageChoiceOut]  # the page picker while `pending`


class SyncJobOut(msgspec.Struct, kw_only=True):
    job_id: str


class DeletionOut(msgspec.Struct, kw_only=True):
    url: str
    confirmation_code: str


class DeauthorizeOut(msgspec.Struct, kw_only=True):
    disconnected: int


def _when(instant: datetime | None, tz: str) -> str | None:
    return local(instant, tz) if instant is not None else None


def present_status(x: MetaStatus) -> MetaStatusOut:
    tz = x.timezone
    return MetaStatusOut(
        status=x.status.value,
        mode=x.mode.value,
        page=PageOut(id=x.page.id, name=x.page.name) if x.page else None,
        instagram=(
            InstagramOut(id=x.instagram.id, username=x.instagram.username) if x.instagram else None
        ),
        buttons=ButtonsOut(
            facebook=x.buttons.facebook,
            instagram=x.buttons.instagram,
            messenger=x.buttons.messenger,
        ),
        token=TokenOut(
            valid=x.token_valid,
            expires_at=_when(x.token_expires_at, tz),
            data_access_expires_at=_when(x.data_access_expires_at, tz),
            checked_at=_when(x.token_checked_at, tz),
        ),
        last_sync_at=_when(x.last_sync_at, tz),
        sync_error=x.sync_error,
        sync_lag_seconds=round(x.sync_lag_seconds),
        booking_links=LinksOut(**x.booking_links),
        warnings=list(x.warnings),
        pages=[
            PageChoiceOut(
                id=p.id, name=p.name, instagram_username=p.instagram_username, available=p.available
            )
            for p in x.pages
        ],
    )


async def _signed_request(request: Request[Any, Any, Any]) -> str:
    """The `signed_request` form field (urlencoded or multipart); missing is a bad signature."""
    try:
        form = await request.form()
    except Exception:  # a malformed form is simply not a valid signed request
        raise Unauthorized("The signed_request is missing or its signature is wrong.") from None
    value = form.get("signed_request")
    if not isinstance(value, str) or not value:
        raise Unauthorized("The signed_request is missing or its signature is wrong.")
    return value


class MetaOwnerController(Controller):
    """Owner routes: bearer token; connect and the page picker need Growth or Elite."""

    path = "/api/meta"
    tags = ["meta"]
    dependencies = {"actor": Provide(provide_actor)}

    @post("/connect", status_code=200)
    async def connect(self, data: SalonIn, actor: Actor, use_cases: UseCases) -> AuthorizeOut:
        """Meta's login dialog URL, with a signed, single-use `state` (10 minutes)."""
        return AuthorizeOut(authorize_url=await use_cases.meta_login.connect(actor, data.salon_id))

    @post("/select-page", status_code=200)
    async def select_page(
        self, data: SelectPageIn, actor: Actor, use_cases: UseCases
    ) -> MetaStatusOut:
        status = await use_cases.meta_select_page(actor, data.salon_id, data.page_id)
        return present_status(status)

    @get("/status/{salon_id:str}")
    async def status(self, salon_id: str, actor: Actor, use_cases: UseCases) -> MetaStatusOut:
        return present_status(await use_cases.meta_status(actor, salon_id))

    @post("/sync", status_code=202)
    async def sync(
        self,
        data: SalonIn,
        actor: Actor,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
    ) -> SyncJobOut:
        """Push services, hours and the booking button to Meta now (runs on the workers)."""
        await throttle.check(request, "meta_sync", salon=str(data.salon_id))
        return SyncJobOut(job_id=await use_cases.meta_sync_now(actor, data.salon_id))

    @post("/disconnect", status_code=200)
    async def disconnect(self, data: SalonIn, actor: Actor, use_cases: UseCases) -> MetaStatusOut:
        """Idempotent; works on any plan and while Meta is down (cleanup is retried later)."""
        return present_status(await use_cases.meta_disconnect(actor, data.salon_id))


class MetaCallbackController(Controller):
    """Routes Meta and the owner's browser reach without a bearer token."""

    path = "/api/meta"
    tags = ["meta"]

    @get("/callback", status_code=302)
    async def callback(
        self,
        use_cases: UseCases,
        code: CallbackText = None,
        state_: Annotated[
            str | None, Parameter(query="state", required=False, max_length=4096)
        ] = None,
        error: CallbackText = None,
        error_reason: CallbackText = None,
    ) -> Redirect:
        """Where Meta's dialog returns. A bad, expired or reused `state` is a 403."""
        outcome = await use_cases.meta_login.callback(
            state=state_, code=code, error=error, error_reason=error_reason
        )
        params: dict[str, str] = {}
        if outcome.salon_id:
            params["salon_id"] = outcome.salon_id
        params["result"] = outcome.result
        if outcome.result == "select_page":
            params["step"] = "select-page"
        if outcome.error:
            params["error"] = outcome.error[:64]
        if outcome.reason:
            params["reason"] = outcome.reason
        return Redirect(f"{ADMIN_PAGE}?{urlencode(params)}", status_code=302)

    @post("/deauthorize", status_code=200)
    async def deauthorize(
        self, request: Request[Any, Any, Any], use_cases: UseCases
    ) -> DeauthorizeOut:
        count = await use_cases.meta_privacy.deauthorize(await _signed_request(request))
        return DeauthorizeOut(disconnected=count)

    @post("/data-deletion", status_code=200)
    async def data_deletion(
        self, request: Request[Any, Any, Any], use_cases: UseCases
    ) -> DeletionOut:
        receipt = await use_cases.meta_privacy.delete_data(await _signed_request(request))
        return DeletionOut(url=receipt.url, confirmation_code=receipt.confirmation_code)

    @get("/data-deletion/{code:str}", media_type=MediaType.HTML)
    async def deletion_status(self, code: str, use_cases: UseCases) -> Response[str]:
        """The page Meta links to from the person's deletion request."""
        found = await use_cases.meta_privacy.deletion_status(code)
        e = html.escape
        done = found.completed_at.date().isoformat() if found.completed_at else "pending"
        body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Data deletion {e(found.confirmation_code)} · SalonHub</title></head>
<body><main><h1>Your data-deletion request</h1>
<dl><dt>Confirmation code</dt><dd>{e(found.confirmation_code)}</dd>
<dt>Status</dt><dd id="status">{e(found.status)}</dd>
<dt>Received</dt><dd>{e(found.requested_at.date().isoformat())}</dd>
<dt>Completed</dt><dd>{e(done)}</dd></dl>
<p>SalonHub deleted the access tokens and Facebook/Instagram account details it held for your
Facebook login ({found.salons_affected} salon connection(s)). Bookings you made with a salon are
the salon's records; ask the salon to erase them.</p></main></body></html>"""
        return Response(body, media_type=MediaType.HTML)
