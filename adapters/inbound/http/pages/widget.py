"""The booking widget: `GET /book/{slug}` (the page behind every "Book Now" button) and the
manage page `GET /book/manage/{token}`, plus the appointment as an `.ics` file.

One request draws the first screen: the HTML carries the CSS and JS inline and the salon's offer
as JSON, and when the URL already names a service (a deep link, a reload, back/forward) the week's
slots too. The script then keeps the flow's state in the URL and talks to the public JSON API.
Everything is sized for in-app browsers on mobile data: no framework, no third-party request.

Here the routes; the boot JSON is widget_boot.py's, the HTML widget_page.py's, the .ics ics.py's.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.types import ExceptionHandlersMap

from application.use_cases import UseCases
from domain.analytics import FunnelStep
from domain.errors import NotFound

from .. import presenters as present
from .assets import Assets, compressed
from .ics import calendar_file
from .widget_boot import boot_data
from .widget_page import WidgetPage, not_found_page, page_headers

BAD_LINK = "This booking link is not valid."


def _not_found(message: str) -> ExceptionHandlersMap:
    """The pages answer an unknown salon or link with a page, not the API's JSON envelope."""

    def page(request: Request[Any, Any, Any], _: NotFound) -> Response[bytes]:
        return not_found_page(request, message)

    return {NotFound: page}


def widget_routes(assets: Assets) -> list[Any]:
    page = WidgetPage(assets)

    @get(
        "/book/{slug:str}",
        include_in_schema=False,
        name="booking-widget",
        exception_handlers=_not_found("There is no salon at this address."),
    )
    async def booking_page(
        request: Request[Any, Any, Any], slug: str, use_cases: UseCases
    ) -> Response[bytes]:
        offer = await use_cases.browse.offer_by_slug(slug)
        salon = offer.salon
        query = dict(parse_qsl(request.url.query or "", keep_blank_values=True))
        boot = await boot_data(use_cases, offer, query, "book")
        nonce = secrets.token_urlsafe(16)
        body = page.render(f"Book at {salon.name}", boot, nonce)
        response = compressed(
            request,
            body,
            "text/html",
            headers=page_headers(nonce, "strict-origin-when-cross-origin"),
        )
        # Counted after the page is sent: the funnel's write never delays the customer.
        response.background = BackgroundTask(
            use_cases.analytics.record, salon.id, boot["src"], FunnelStep.VIEW
        )
        return response

    @get(
        "/book/manage/{token:str}",
        include_in_schema=False,
        name="booking-manage",
        exception_handlers=_not_found(BAD_LINK),
    )
    async def manage_page(
        request: Request[Any, Any, Any], token: str, use_cases: UseCases
    ) -> Response[bytes]:
        view = await use_cases.manage_booking.view(token)
        offer = await use_cases.browse.offer(view.booking.salon_id)
        query = dict(parse_qsl(request.url.query or "", keep_blank_values=True))
        if query.get("step") == "time":  # a reload while picking a new time
            query.setdefault("service", view.booking.service_id)
        boot = await boot_data(use_cases, offer, query, "manage")
        boot["booking"] = msgspec.to_builtins(present.booking(view))
        boot["token"] = token
        nonce = secrets.token_urlsafe(16)
        body = page.render(f"Your booking at {offer.salon.name}", boot, nonce)
        # The token is in the URL: never send it on as a referrer.
        return compressed(request, body, "text/html", headers=page_headers(nonce, "no-referrer"))

    @get(
        "/book/manage/{token:str}/booking.ics",
        include_in_schema=False,
        name="booking-ics",
        exception_handlers=_not_found(BAD_LINK),
    )
    async def calendar(
        request: Request[Any, Any, Any], token: str, use_cases: UseCases
    ) -> Response[bytes]:
        view = await use_cases.manage_booking.view(token)
        offer = await use_cases.browse.offer(view.booking.salon_id)
        service = next(
            (s.name for s in offer.services if s.id == view.booking.service_id), "Appointment"
        )
        base = request.app.state.public_url  # never the Host header: it is the caller's
        text = calendar_file(view, offer.salon, service, f"{base}/book/manage/{token}")
        return Response(
            text.encode(),
            media_type="text/calendar",
            headers={
                "Content-Disposition": 'attachment; filename="appointment.ics"',
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
            },
        )

    return [booking_page, manage_page, calendar]
