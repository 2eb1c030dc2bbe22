"""What booking use cases hand back: the booking with its customer and the salon's zone."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.unit_of_work import UnitOfWork
from domain.booking import Booking, Customer
from domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class BookingView:
    booking: Booking
    customer: Customer
    timezone: str


@dataclass(frozen=True, slots=True)
class BookingReceipt:
    """A new booking and the customer's manage token (shown once, stored only hashed)."""

    view: BookingView
    manage_token: str
    replayed: bool = False


async def view_of(uow: UnitOfWork, booking: Booking, timezone: str) -> BookingView:
    customer = await uow.customers.get(booking.customer_id)
    if customer is None:
        raise NotFound("Customer not found.")
    return BookingView(booking=booking, customer=customer, timezone=timezone)
