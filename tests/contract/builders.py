"""Entity builders and a seeded salon shared by the contract suites."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.accounts import Owner
from domain.booking import Booking, BookingSource, BookingStatus, Customer
from domain.catalog import Service, Staff
from domain.salon import BookingPolicy, Salon, Tier

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def new_id() -> str:
    return str(uuid.uuid4())


def at(minutes: int) -> datetime:
    """T0 + minutes (aware UTC)."""
    return T0 + timedelta(minutes=minutes)


def make_owner(email: str | None = None) -> Owner:
    return Owner(
        id=new_id(),
        email=email or f"{uuid.uuid4().hex[:10]}@example.com",
        password_hash="scrypt$salt$hash",
        created_at=T0.astimezone(IST),
    )


def make_salon(owner_id: str, slug: str | None = None, **changes: Any) -> Salon:
    values: dict[str, Any] = {
        "id": new_id(),
        "owner_id": owner_id,
        "name": "Glow Studio",
        "slug": slug or f"glow-{uuid.uuid4().hex[:8]}",
        "timezone": "Asia/Kolkata",
        "country": "IN",
        "tier": Tier.FREE,
        "policy": BookingPolicy(),
        "created_at": T0,
    }
    values.update(changes)
    return Salon(**values)


def make_service(salon_id: str, **changes: Any) -> Service:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": salon_id,
        "name": "Haircut",
        "duration_minutes": 60,
        "price_minor": 49_900,
        "currency": "INR",
    }
    values.update(changes)
    return Service(**values)


def make_staff(salon_id: str, service_ids: tuple[str, ...] = (), **changes: Any) -> Staff:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": salon_id,
        "name": "Asha",
        "service_ids": service_ids,
        "location_id": None,
    }
    values.update(changes)
    return Staff(**values)


def make_customer(salon_id: str, phone: str = "+919876543210", **changes: Any) -> Customer:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": salon_id,
        "name": "Priya",
        "phone": phone,
        "email": None,
    }
    values.update(changes)
    return Customer(**values)


@dataclass(frozen=True)
class World:
    """A salon with one service, two staff members and one customer, committed."""

    owner: Owner
    salon: Salon
    service: Service
    staff: tuple[Staff, Staff]
    customer: Customer

    def booking(
        self,
        start: datetime,
        minutes: int = 60,
        *,
        buffer: int = 0,
        staff: int = 0,
        status: BookingStatus = BookingStatus.CONFIRMED,
        **changes: Any,
    ) -> Booking:
        values: dict[str, Any] = {
            "id": new_id(),
            "salon_id": self.salon.id,
            "service_id": self.service.id,
            "staff_id": self.staff[staff].id,
            "customer_id": self.customer.id,
            "status": status,
            "source": BookingSource.INSTAGRAM,
            "start": start,
            "end": start + timedelta(minutes=minutes),
            "occupied_until": start + timedelta(minutes=minutes + buffer),
            "created_at": T0 - timedelta(days=1),
            "manage_token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
        }
        values.update(changes)
        return Booking(**values)


async def seed(uow_factory: UnitOfWorkFactory) -> World:
    owner = make_owner()
    salon = make_salon(owner.id)
    service = make_service(salon.id)
    first = make_staff(salon.id, (service.id,), name="Asha")
    second = make_staff(salon.id, (service.id,), name="Bela")
    customer = make_customer(salon.id)
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        await uow.salons.add(salon)
        await uow.catalog.add_service(service)
        await uow.catalog.add_staff(first)
        await uow.catalog.add_staff(second)
        await uow.customers.get_or_add(customer)
        await uow.commit()
    return World(owner, salon, service, (first, second), customer)


async def add_salon(uow_factory: UnitOfWorkFactory, owner_id: str | None = None) -> Salon:
    """Another salon (with a new owner unless one is given), committed."""
    async with uow_factory(write=True) as uow:
        if owner_id is None:
            owner = make_owner()
            await uow.accounts.add_owner(owner)
            owner_id = owner.id
        salon = make_salon(owner_id)
        await uow.salons.add(salon)
        await uow.commit()
    return salon


async def committed_salons(uow_factory: UnitOfWorkFactory, count: int) -> list[str]:
    """`count` committed salons' ids, sorted."""
    return sorted([(await add_salon(uow_factory)).id for _ in range(count)])
