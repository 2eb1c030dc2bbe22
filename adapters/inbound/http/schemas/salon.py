"""The salon, its branding and its locations."""

from __future__ import annotations

from typing import Annotated

import msgspec

from .policy import PolicyBody
from .types import Name, Text, ZoneName


class BrandingBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Elite: the booking page's brand colour (#rrggbb) and logo (https URL); "" clears."""

    color: Annotated[str, msgspec.Meta(max_length=7)] | None = None
    logo_url: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class SalonPatchIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name | None = None
    timezone: ZoneName | None = None
    policy: PolicyBody | None = None
    branding: BrandingBody | None = None


class SalonOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    slug: str
    timezone: str
    country: str
    tier: str
    policy: PolicyBody
    branding: BrandingBody


class LocationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name
    address: Text | None = None
    timezone: ZoneName | None = None


class LocationOut(msgspec.Struct, kw_only=True):
    id: str
    salon_id: str
    name: str
    address: str | None
    timezone: str | None
