"""The booking widget's boot data: the JSON the page carries for its script (the salon, its offer,
today, the visit's source and, for a deep link, the week's slots), and the small rules behind it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import msgspec

from application.booking.browse import PublicOffer
from application.use_cases import UseCases
from domain.catalog import Service
from domain.errors import DomainError
from domain.salon import Salon, Tier, readable_on_white

from .. import presenters as present

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


async def boot_data(
    use_cases: UseCases, offer: PublicOffer, query: dict[str, str], mode: str
) -> dict[str, Any]:
    """What the widget's script reads first (`<script id="boot">`): the salon, its policy and offer,
    today, the visit's source, and the week's slots when the URL already names a service."""
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
        "locations": [{"id": x.id, "name": x.name, "address": x.address} for x in offer.locations],
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
