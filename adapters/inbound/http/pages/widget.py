"""The booking widget: `GET /book/{slug}` (the page behind every "Book Now" button) and the
manage page `GET /book/manage/{token}`, plus the appointment as an `.ics` file.

One request draws the first screen: the HTML carries the CSS and JS inline and the salon's offer
as JSON, and when the URL already names a service (a deep link, a reload, back/forward) the week's
slots too. The script then keeps the flow's state in the URL and talks to the public JSON API.
Everything is sized for in-app browsers on mobile data: no framework, no third-party request.
"""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.types import ExceptionHandlersMap

from application.booking.browse import PublicOffer
from application.booking.views import BookingView
from application.use_cases import UseCases
from domain.analytics import FunnelStep
from domain.booking import BookingStatus
from domain.catalog import Service
from domain.errors import DomainError, NotFound
from domain.salon import Salon, Tier, readable_on_white

from .. import presenters as present
from .assets import Assets, compressed

SOURCES = ("instagram", "facebook", "messenger", "story", "web")
# utm_source values people put on links, read as our source when `src` is absent.
_UTM_SOURCES = {"ig": "instagram", "fb": "facebook", "m.me": "messenger", "stories": "story"}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
WEEK = 7


def source_of(query: dict[str, str]) -> str:
    src = query.get("src", "").strip().lower()
    if src in SOURCES:
        return src
    utm = query.get("utm_source", "").strip().lower()
    utm = _UTM_SOURCES.get(utm, utm)
    return utm if utm in SOURCES else "web"


def locale_of(country: str) -> str:
    """Formatting locale for `Intl` (numbers, currency, dates); the words stay English."""
    return f"en-{country.upper()}" if re.fullmatch(r"[A-Za-z]{2}", country) else "en"


def week_start(today: date, wanted: date | None, horizon_days: int) -> date:
    """The first day of the 7-day strip that shows `wanted` (weeks counted from today)."""
    if wanted is None or wanted < today or wanted > today + timedelta(days=horizon_days):
        return today
    return today + timedelta(days=((wanted - today).days // WEEK) * WEEK)


def brand_of(salon: Salon) -> dict[str, str | None] | None:
    """An Elite salon's colour (darkened to stay readable, WCAG AA) and logo; else None."""
    b = salon.branding
    if salon.tier is not Tier.ELITE or (b.color is None and b.logo_url is None):
        return None
    return {"color": readable_on_white(b.color) if b.color else None, "logo_url": b.logo_url}


def _json_for_html(value: Any) -> str:
    """JSON safe inside `<script type="application/json">` (no `</script>`, no `<!--`)."""
    return msgspec.json.encode(value).decode().replace("<", "\\u003c")


def _service(s: Service) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "duration_minutes": s.duration_minutes,
        "price_minor": s.price_minor,
        "currency": s.currency,
        "description": s.description,
        "category": s.category,
    }


class WidgetPages:
    def __init__(self, assets: Assets) -> None:
        self._css, self._js = assets.widget_css, assets.widget_js

    async def boot(
        self, use_cases: UseCases, offer: PublicOffer, query: dict[str, str], mode: str
    ) -> dict[str, Any]:
        salon = offer.salon
        today = use_cases.browse.today(salon)
        policy = salon.policy
        boot: dict[str, Any] = {
            "mode": mode,
            "salon": {
                "id": salon.id,
                "name": salon.name,
                "slug": salon.slug,
                "timezone": salon.timezone,
                "country": salon.country,
                "locale": locale_of(salon.country),
                "brand": brand_of(salon),
            },
            "policy": {
                "horizon_days": policy.horizon_days,
                "cancellation_window_hours": policy.cancellation_window_hours,
            },
            "services": [_service(s) for s in offer.services],
            "staff": [
                {
                    "id": s.id,
                    "name": s.name,
                    "service_ids": list(s.service_ids),
                    "loc": s.location_id,
                }
                for s in offer.staff
            ],
            "locations": [
                {"id": x.id, "name": x.name, "address": x.address} for x in offer.locations
            ],
            "today": today.isoformat(),
            "src": source_of(query),
            "avail": None,
        }
        service_id = query.get("service", "")
        if _UUID.match(service_id) and any(s.id == service_id for s in offer.services):
            staff = query.get("staff", "")
            staff_id = staff if _UUID.match(staff) else None
            try:
                wanted = date.fromisoformat(query.get("date", ""))
            except ValueError:
                wanted = None
            first = week_start(today, wanted, policy.horizon_days)
            try:
                _, slots = await use_cases.browse.availability(
                    salon.id, service_id, first, WEEK, staff_id
                )
            except DomainError:
                return boot
            key = f"{service_id}|{staff_id or 'any'}|{first.isoformat()}"
            boot["avail"] = {
                "key": key,
                "slots": msgspec.to_builtins(present.slots(slots, salon.timezone)),
            }
        return boot

    def render(self, title: str, boot: dict[str, Any], nonce: str) -> bytes:
        # The manage page's URL holds its token: no Referer at all, even to ourselves.
        referrer = "no-referrer" if boot["mode"] == "manage" else "same-origin"
        e = html.escape
        brand = boot["salon"]["brand"] or {}
        # Validated #rrggbb (domain.salon.Branding), so safe inside the style element.
        colour = f":root{{--brand:{brand['color']}}}" if brand.get("color") else ""
        logo = (
            f'<img class="logo" src="{e(brand["logo_url"])}" alt="" width="40" height="40">'
            if brand.get("logo_url")
            else ""
        )
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="robots" content="noindex"><meta name="referrer" content="{referrer}">
<title>{e(title)}</title>
<style nonce="{nonce}">{self._css}{colour}</style>
</head><body>
<header class="top"><p class="salon">{logo}{e(boot["salon"]["name"])}</p>
<p class="progress" id="progress"></p></header>
<main id="app" tabindex="-1"><noscript><p>Booking needs JavaScript turned on.</p></noscript></main>
<p id="live" class="sr" aria-live="polite" aria-atomic="true"></p>
<footer class="foot">Booking by SalonHub</footer>
<script id="boot" type="application/json">{_json_for_html(boot)}</script>
<script nonce="{nonce}">{self._js}</script>
</body></html>""".encode()


def _headers(nonce: str, referrer: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'"
        ),
        "Cache-Control": "no-cache, private",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": referrer,
    }


def not_found_page(request: Request[Any, Any, Any], message: str) -> Response[bytes]:
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Not found</title></head>
<body><main><h1>Not found</h1><p>{html.escape(message)}</p></main></body></html>""".encode()
    return compressed(request, body, "text/html", status_code=404)


def _ics_text(value: str) -> str:
    escaped = re.sub(r"([,;\\])", r"\\\1", value)
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on the next line after a space."""
    out: list[str] = []
    chunk, size = "", 0
    for ch in line:
        width = len(ch.encode())
        if size + width > (75 if not out else 74):
            out.append(chunk)
            chunk, size = "", 0
        chunk += ch
        size += width
    out.append(chunk)
    return "\r\n ".join(out)


def calendar_file(view: BookingView, salon: Salon, service: str, manage_url: str) -> str:
    b = view.booking
    stamp = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SalonHub//Booking//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{b.id}@salonhub",
        f"DTSTAMP:{datetime.now(UTC).strftime(stamp)}",
        f"DTSTART:{b.start.astimezone(UTC).strftime(stamp)}",
        f"DTEND:{b.end.astimezone(UTC).strftime(stamp)}",
        f"SUMMARY:{_ics_text(f'{service} at {salon.name}')}",
        f"DESCRIPTION:{_ics_text(f'Change or cancel: {manage_url}')}",
        f"URL:{manage_url}",
        "STATUS:CANCELLED" if b.status is BookingStatus.CANCELLED else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


BAD_LINK = "This booking link is not valid."


def _not_found(message: str) -> ExceptionHandlersMap:
    """The pages answer an unknown salon or link with a page, not the API's JSON envelope."""

    def page(request: Request[Any, Any, Any], _: NotFound) -> Response[bytes]:
        return not_found_page(request, message)

    return {NotFound: page}


def widget_routes(assets: Assets) -> list[Any]:
    pages = WidgetPages(assets)

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
        boot = await pages.boot(use_cases, offer, query, "book")
        nonce = secrets.token_urlsafe(16)
        body = pages.render(f"Book at {salon.name}", boot, nonce)
        response = compressed(
            request, body, "text/html", headers=_headers(nonce, "strict-origin-when-cross-origin")
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
        boot = await pages.boot(use_cases, offer, query, "manage")
        boot["booking"] = msgspec.to_builtins(present.booking(view))
        boot["token"] = token
        nonce = secrets.token_urlsafe(16)
        body = pages.render(f"Your booking at {offer.salon.name}", boot, nonce)
        # The token is in the URL: never send it on as a referrer.
        return compressed(request, body, "text/html", headers=_headers(nonce, "no-referrer"))

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
