"""Salon, its plan tier, booking policy and locations."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import ValidationFailed


class Tier(enum.StrEnum):
    FREE = "free"
    GROWTH = "growth"
    ELITE = "elite"


@dataclass(frozen=True, slots=True)
class Limit:
    """The range a booking-policy number may take (inclusive); `optional` fields may be None."""

    minimum: int
    maximum: int
    optional: bool = False


# The one table of booking-policy limits: the domain's validation, the HTTP schema (PolicyBody)
# and the admin page's form (its boot data) all read it.
POLICY_LIMITS: dict[str, Limit] = {
    "lead_time_minutes": Limit(0, 525_600),
    "horizon_days": Limit(1, 365),
    "slot_step_minutes": Limit(5, 120),
    "cancellation_window_hours": Limit(0, 8760),
}


@dataclass(frozen=True, slots=True)
class BookingPolicy:
    lead_time_minutes: int = 120
    horizon_days: int = 60
    slot_step_minutes: int = 15
    cancellation_window_hours: int = 24
    auto_confirm: bool = True
    verify_new_customers: bool = True

    def merged(self, changes: dict[str, Any]) -> BookingPolicy:
        """A copy with `changes` applied (unknown keys rejected; None clears an optional
        field and is an error on the others), validated."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValidationFailed(
                "Unknown policy field.", {f"policy.{k}": "unknown" for k in unknown}
            )
        merged = replace(self, **changes)
        merged.validate()
        return merged

    def validate(self) -> None:
        """None only where POLICY_LIMITS marks the field optional; numbers inside their limits."""
        errors: dict[str, str] = {}
        for f in fields(self):
            value, limit = getattr(self, f.name), POLICY_LIMITS.get(f.name)
            if value is None:
                if limit is None or not limit.optional:
                    errors[f"policy.{f.name}"] = "required"
            elif limit is not None and not limit.minimum <= value <= limit.maximum:
                errors[f"policy.{f.name}"] = f"must be {limit.minimum} to {limit.maximum}"
        step = "policy.slot_step_minutes"
        if errors.get(step) != "required" and (step in errors or 1440 % self.slot_step_minutes):
            errors[step] = "must be 5 to 120 and divide 1440"
        if errors:
            raise ValidationFailed("Invalid booking policy.", errors)


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO = re.compile(r"^https://[^\s\"'<>\\]{1,490}$")


@dataclass(frozen=True, slots=True)
class Branding:
    """An Elite salon's look on its booking page: a brand colour and a logo (https URL)."""

    color: str | None = None
    logo_url: str | None = None

    def merged(self, changes: dict[str, str]) -> Branding:
        """`changes` applied ("" clears a field), validated."""
        known = {"color", "logo_url"}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValidationFailed(
                "Unknown branding field.", {f"branding.{k}": "unknown" for k in unknown}
            )
        values = {k: (v.strip() or None) for k, v in changes.items()}
        merged = replace(self, **values)
        errors: dict[str, str] = {}
        if merged.color is not None and not _COLOR.match(merged.color):
            errors["branding.color"] = "must be a #rrggbb colour"
        if merged.logo_url is not None and not _LOGO.match(merged.logo_url):
            errors["branding.logo_url"] = "must be an https:// address of at most 500 characters"
        if errors:
            raise ValidationFailed("Invalid branding.", errors)
        return merged


def _luminance(color: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def readable_on_white(color: str, ratio: float = 4.5) -> str:
    """`color` darkened just enough for white text on it (and it on white) to reach WCAG AA's
    contrast `ratio`: the owner's hue, legible buttons."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    for _ in range(200):  # judged on the 8-bit values written out, not before rounding
        if 1.05 / (_luminance((rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)) + 0.05) >= ratio:
            break
        rgb = [int(c * 0.95) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in rgb)


_ZONES: frozenset[str] | None = None


def parse_timezone(name: str, field_name: str = "timezone") -> ZoneInfo:
    """An IANA zone by name, or ValidationFailed (never a filesystem path or an empty name)."""
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    if name not in _ZONES:
        raise ValidationFailed("Unknown time zone.", {field_name: "must be an IANA time zone name"})
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed("Unknown time zone.", {field_name: "unknown"}) from exc


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60] or "salon"


@dataclass(frozen=True, slots=True)
class Salon:
    id: str
    owner_id: str
    name: str
    slug: str
    timezone: str
    country: str
    tier: Tier
    policy: BookingPolicy = field(default_factory=BookingPolicy)
    created_at: datetime | None = None
    branding: Branding = field(default_factory=Branding)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    salon_id: str
    name: str
    address: str | None
    timezone: str | None
