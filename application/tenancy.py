"""Tenancy: an owner reaches only their own salons; anything else is NotFound, never 403."""

from __future__ import annotations

from application.actor import Actor
from application.ports.unit_of_work import UnitOfWork
from domain.booking import Booking
from domain.catalog import Service, Staff
from domain.errors import NotFound
from domain.salon import Salon


async def owned_salon(uow: UnitOfWork, actor: Actor, salon_id: str) -> Salon:
    salon = await uow.salons.get(salon_id)
    if salon is None or salon.owner_id != actor.owner_id:
        raise NotFound("Salon not found.")
    return salon


async def salon_service(uow: UnitOfWork, salon_id: str, service_id: str) -> Service:
    service = await uow.catalog.get_service(service_id)
    if service is None or service.salon_id != salon_id:
        raise NotFound("Service not found.", {"service_id": service_id})
    return service


async def salon_staff(uow: UnitOfWork, salon_id: str, staff_id: str) -> Staff:
    staff = await uow.catalog.get_staff(staff_id)
    if staff is None or staff.salon_id != salon_id:
        raise NotFound("Staff member not found.", {"staff_id": staff_id})
    return staff


async def salon_booking(uow: UnitOfWork, salon_id: str, booking_id: str) -> Booking:
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.salon_id != salon_id:
        raise NotFound("Booking not found.")
    return booking


async def public_salon(uow: UnitOfWork, salon_id: str) -> Salon:
    salon = await uow.salons.get(salon_id)
    if salon is None:
        raise NotFound("Salon not found.")
    return salon
