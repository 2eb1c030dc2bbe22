"""Services, staff, their weekly hours and time off."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

from .types import Currency, Instant, Name, Text, WallClock


class ServiceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=720)]
    price_minor: Annotated[int, msgspec.Meta(ge=0, le=10**12)]
    currency: Currency
    buffer_after_minutes: Annotated[int, msgspec.Meta(ge=0, le=240)] = 0
    description: Text | None = None
    category: Annotated[str, msgspec.Meta(max_length=60)] | None = None


class ServicePatchIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name | None = None
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=720)] | None = None
    price_minor: Annotated[int, msgspec.Meta(ge=0, le=10**12)] | None = None
    currency: Currency | None = None
    buffer_after_minutes: Annotated[int, msgspec.Meta(ge=0, le=240)] | None = None
    description: Text | None = None
    active: bool | None = None
    category: Annotated[str, msgspec.Meta(max_length=60)] | None = None  # "" clears


class ServiceOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    duration_minutes: int
    price_minor: int
    currency: str
    buffer_after_minutes: int
    description: str | None
    active: bool
    category: str | None


class StaffIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name
    service_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)]
    location_id: UUID | None = None


class StaffPatchIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name | None = None
    service_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] | None = None
    location_id: UUID | None = None
    active: bool | None = None


class StaffOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    service_ids: list[str]
    location_id: str | None
    active: bool


class HoursItem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    weekday: Annotated[int, msgspec.Meta(ge=0, le=6)]
    start: WallClock
    end: WallClock


class HoursBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    weekly: Annotated[list[HoursItem], msgspec.Meta(max_length=200)]


class TimeOffIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    start: Instant
    end: Instant
    reason: Text | None = None


class TimeOffOut(msgspec.Struct, kw_only=True):
    id: str
    start: str
    end: str
    reason: str | None
