"""Domain objects to response bodies; instants in the salon's offset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from application.audit_query import AuditView
from application.booking.views import BookingReceipt, BookingView
from domain.availability import Slot
from domain.catalog import Service, Staff
from domain.salon import Location, Salon
from domain.schedule import TimeOff, WeeklyInterval

from .schemas.audit import AuditActorOut, AuditEntityOut, AuditEntryOut, AuditPageOut
from .schemas.booking import BookingCreatedOut, BookingOut, CustomerOut, SlotOut
from .schemas.catalog import HoursBody, HoursItem, ServiceOut, StaffOut, TimeOffOut
from .schemas.policy import PolicyBody
from .schemas.salon import BrandingBody, LocationOut, SalonOut


def local(instant: datetime, tz: str | ZoneInfo) -> str:
    return _local(instant, tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz))


@lru_cache(maxsize=65536)
def _local(instant: datetime, zone: ZoneInfo) -> str:
    # Availability answers format the same grid instants over and over (profiled: ~5 %).
    return instant.astimezone(zone).isoformat()


def salon(x: Salon) -> SalonOut:
    return SalonOut(
        id=x.id,
        name=x.name,
        slug=x.slug,
        timezone=x.timezone,
        country=x.country,
        tier=x.tier.value,
        policy=PolicyBody(**asdict(x.policy)),  # every field, from the dataclass
        branding=BrandingBody(color=x.branding.color, logo_url=x.branding.logo_url),
    )


def location(x: Location) -> LocationOut:
    return LocationOut(
        id=x.id, salon_id=x.salon_id, name=x.name, address=x.address, timezone=x.timezone
    )


def service(x: Service) -> ServiceOut:
    return ServiceOut(
        id=x.id,
        name=x.name,
        duration_minutes=x.duration_minutes,
        price_minor=x.price_minor,
        currency=x.currency,
        buffer_after_minutes=x.buffer_after_minutes,
        description=x.description,
        active=x.active,
        category=x.category,
    )


def staff(x: Staff) -> StaffOut:
    return StaffOut(
        id=x.id,
        name=x.name,
        service_ids=list(x.service_ids),
        location_id=x.location_id,
        active=x.active,
    )


def hours(weekly: Iterable[WeeklyInterval]) -> HoursBody:
    return HoursBody(
        weekly=[
            HoursItem(
                weekday=w.weekday, start=w.start.strftime("%H:%M"), end=w.end.strftime("%H:%M")
            )
            for w in weekly
        ]
    )


def time_off(x: TimeOff, tz: str) -> TimeOffOut:
    return TimeOffOut(id=x.id, start=local(x.start, tz), end=local(x.end, tz), reason=x.reason)


def booking(v: BookingView) -> BookingOut:
    b, c, tz = v.booking, v.customer, ZoneInfo(v.timezone)
    return BookingOut(
        id=b.id,
        salon_id=b.salon_id,
        status=b.status.value,
        start=local(b.start, tz),
        end=local(b.end, tz),
        service_id=b.service_id,
        staff_id=b.staff_id,
        source=b.source.value,
        customer=CustomerOut(id=c.id, name=c.name, phone=c.phone, email=c.email),
        created_at=local(b.created_at, tz),
    )


def receipt(r: BookingReceipt) -> BookingCreatedOut:
    return BookingCreatedOut(booking=booking(r.view), manage_token=r.manage_token)


def slots(items: Iterable[Slot], tz: str) -> list[SlotOut]:
    zone = ZoneInfo(tz)
    return [
        SlotOut(start=local(x.start, zone), end=local(x.end, zone), staff_ids=list(x.staff_ids))
        for x in items
    ]


def audit_page(v: AuditView) -> AuditPageOut:
    zone = ZoneInfo(v.timezone)
    return AuditPageOut(
        items=[
            AuditEntryOut(
                id=e.id,
                at=local(e.at, zone),
                actor=AuditActorOut(type=e.actor_type.value, id=e.actor_id),
                action=e.action,
                entity=AuditEntityOut(type=e.entity_type.value, id=e.entity_id),
                changes={field: list(change) for field, change in e.changes.items()},
                request_id=e.request_id,
            )
            for e in v.page.items
        ],
        next_cursor=v.page.next_cursor,
    )
