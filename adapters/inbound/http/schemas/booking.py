"""Bookings: the public create, the salon's own, status and moves, OTP, availability."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from domain.booking import BookingSource

from .types import PRINTABLE, Email, Instant, Name, Phone


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
    otp_token: Annotated[str, msgspec.Meta(max_length=200, pattern=PRINTABLE)] | None = None


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
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=12, pattern=PRINTABLE)]


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
