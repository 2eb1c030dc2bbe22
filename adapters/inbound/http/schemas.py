"""Request and response bodies (msgspec). Requests are frozen and reject unknown fields;
the options are spelled on each class because type checkers do not inherit them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from domain.booking import BookingSource
from domain.salon import POLICY_LIMITS

# No string may carry a NUL (PostgreSQL text cannot hold one): refused here as a 422.
_PRINTABLE = r"^[^\x00]*$"
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_PRINTABLE)]
Text = Annotated[str, msgspec.Meta(max_length=2000, pattern=_PRINTABLE)]
ZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=_PRINTABLE)]
Secret = Annotated[str, msgspec.Meta(max_length=1024, pattern=_PRINTABLE)]
Instant = Annotated[datetime, msgspec.Meta(tz=True)]
WallClock = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
Phone = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=_PRINTABLE)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=_PRINTABLE)]


# --- accounts ---------------------------------------------------------------------------------
class SignUpIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=10, max_length=1024, pattern=_PRINTABLE)]
    salon_name: Name
    timezone: ZoneName
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{2}$")] = "IN"


class SignUpOut(msgspec.Struct, kw_only=True):
    owner_id: str
    salon_id: str
    token: str


class LogInIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    email: Annotated[str, msgspec.Meta(max_length=254, pattern=_PRINTABLE)]
    password: Secret


class TokenOut(msgspec.Struct, kw_only=True):
    token: str


# --- salon --------------------------------------------------------------------------------------
def _limit(name: str) -> msgspec.Meta:
    """The bounds of the domain's POLICY_LIMITS entry for `name`."""
    limit = POLICY_LIMITS[name]
    return msgspec.Meta(ge=limit.minimum, le=limit.maximum)


class PolicyBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Bounds from domain.salon.POLICY_LIMITS (one table for the domain, API and admin form).
    As a PATCH body: an absent field stays as it is (UNSET); `null` is admitted only on a
    field POLICY_LIMITS marks optional, and clears it."""

    lead_time_minutes: Annotated[int, _limit("lead_time_minutes")] | UnsetType = UNSET
    horizon_days: Annotated[int, _limit("horizon_days")] | UnsetType = UNSET
    slot_step_minutes: Annotated[int, _limit("slot_step_minutes")] | UnsetType = UNSET
    cancellation_window_hours: Annotated[int, _limit("cancellation_window_hours")] | UnsetType = (
        UNSET
    )
    auto_confirm: bool | UnsetType = UNSET
    verify_new_customers: bool | UnsetType = UNSET


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


# --- services and staff -----------------------------------------------------------------------
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


# --- booking ------------------------------------------------------------------------------------
class CustomerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: Name
    phone: Phone
    email: Email | None = None


class BookIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    salon_id: UUID
    service_id: UUID
    staff_id: UUID | None = None
    start: Instant
    customer: CustomerIn
    source: BookingSource
    otp_token: Annotated[str, msgspec.Meta(max_length=200, pattern=_PRINTABLE)] | None = None


class StaffBookIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    service_id: UUID
    staff_id: UUID | None = None
    start: Instant
    customer: CustomerIn


class RescheduleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    start: Instant
    staff_id: UUID | None = None


class StatusIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """API.md's `{status}`, extended: `start` (and optionally `staff_id`) moves the booking."""

    status: Literal["completed", "no_show", "cancelled", "confirmed"] | None = None
    start: Instant | None = None
    staff_id: UUID | None = None


class OtpStartIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    salon_id: UUID
    phone: Phone


class OtpVerifyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    salon_id: UUID
    phone: Phone
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=12, pattern=_PRINTABLE)]


class OtpTokenOut(msgspec.Struct, kw_only=True):
    otp_token: str


class CustomerOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    phone: str | None  # None: known only through Messenger/Instagram
    email: str | None


class BookingOut(msgspec.Struct, kw_only=True):
    id: str
    salon_id: str
    status: str
    start: str
    end: str
    service_id: str
    staff_id: str
    source: str
    customer: CustomerOut
    created_at: str


class BookingCreatedOut(msgspec.Struct, kw_only=True):
    booking: BookingOut
    manage_token: str


class SlotOut(msgspec.Struct, kw_only=True):
    start: str
    end: str
    staff_ids: list[str]


class AvailabilityOut(msgspec.Struct, kw_only=True):
    timezone: str
    slots: list[SlotOut]


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


# --- audit log -------------------------------------------------------------------------------
class AuditActorOut(msgspec.Struct, kw_only=True):
    type: str  # owner | customer | system | operator
    id: str | None


class AuditEntityOut(msgspec.Struct, kw_only=True):
    type: str
    id: str


class AuditEntryOut(msgspec.Struct, kw_only=True):
    id: str
    at: str
    actor: AuditActorOut
    action: str
    entity: AuditEntityOut
    changes: dict[str, list[Any]]  # field -> [before, after]
    request_id: str | None


class AuditPageOut(msgspec.Struct, kw_only=True):
    items: list[AuditEntryOut]
    next_cursor: str | None


class ErrorBody(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(msgspec.Struct, kw_only=True):
    error: ErrorBody
