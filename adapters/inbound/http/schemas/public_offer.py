"""The public offer a booking page starts from: the salon, its services and staff."""

from __future__ import annotations

import msgspec


class PublicSalonOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    slug: str
    timezone: str
    country: str


class PublicServiceOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    duration_minutes: int
    price_minor: int
    currency: str
    description: str | None
    category: str | None = None


class PublicStaffOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    service_ids: list[str]


class PublicOfferOut(msgspec.Struct, kw_only=True):
    salon: PublicSalonOut
    services: list[PublicServiceOut]
    staff: list[PublicStaffOut]
