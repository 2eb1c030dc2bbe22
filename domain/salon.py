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
class BookingPolicy:
    lead_time_minutes: int = 120
    horizon_days: int = 60
    slot_step_minutes: int = 15
    cancellation_window_hours: int = 24
    auto_confirm: bool = True
    verify_new_customers: bool = True

    def merged(self, changes: dict[str, Any]) -> BookingPolicy:
        """A copy with `changes` applied (unknown keys rejected), validated."""
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
        errors: dict[str, str] = {}
        if not 0 <= self.lead_time_minutes <= 525_600:
            errors["policy.lead_time_minutes"] = "must be 0 to 525600"
        if not 1 <= self.horizon_days <= 365:
            errors["policy.horizon_days"] = "must be 1 to 365"
        step = self.slot_step_minutes
        if not 5 <= step <= 120 or 1440 % step:
            errors["policy.slot_step_minutes"] = "must be 5 to 120 and divide 1440"
        if not 0 <= self.cancellation_window_hours <= 8760:
            errors["policy.cancellation_window_hours"] = "must be 0 to 8760"
        if errors:
            raise ValidationFailed("Invalid booking policy.", errors)


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
