"""A customer's data rights, exercised by the salon's owner: export everything held about the
customer, or erase it.

Erasure removes the personal fields (name, phone, email), the Messenger/Instagram ids and the
consent history, and blanks the texts of the customer's messages; the bookings stay, pointing at
the anonymised record, for the salon's books. Both are audited as the owner. The audit entry of
an erasure names no personal value (the log is append-only: it must not keep what was erased).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.audit import changed
from domain.booking import Booking, Customer
from domain.errors import NotFound
from domain.messaging import Consent, Contact, OutboundMessage

ERASED_NAME: Final = "Erased customer"


@dataclass(frozen=True, slots=True)
class BookingRecord:
    booking: Booking
    service_name: str | None  # None when the service is no longer in the catalog
    staff_name: str | None


@dataclass(frozen=True, slots=True)
class CustomerExport:
    timezone: str  # the salon's, for showing instants
    exported_at: datetime
    customer: Customer
    bookings: Sequence[BookingRecord]  # by start, then id
    contacts: Sequence[Contact]  # oldest first
    consents: Sequence[Consent]  # oldest first
    messages: Sequence[OutboundMessage]  # oldest first


@dataclass(frozen=True, slots=True)
class Erasure:
    customer_id: str
    erased_at: datetime  # of the first erasure; erasing again changes nothing


async def _salon_customer(
    uow: UnitOfWork, actor: Actor, salon_id: str, customer_id: str
) -> tuple[str, Customer]:
    salon = await owned_salon(uow, actor, salon_id)
    customer = await uow.customers.get(customer_id)
    if customer is None or customer.salon_id != salon.id:
        raise NotFound("Customer not found.")
    return salon.timezone, customer


async def _booking_records(uow: UnitOfWork, customer_id: str) -> list[BookingRecord]:
    records = []
    for booking in await uow.bookings.for_customer(customer_id):
        service = await uow.catalog.get_service(booking.service_id)
        staff = await uow.catalog.get_staff(booking.staff_id)
        records.append(
            BookingRecord(booking, service.name if service else None, staff.name if staff else None)
        )
    return records


class CustomerDataRights:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def export(self, actor: Actor, salon_id: str, customer_id: str) -> CustomerExport:
        """Everything held about one customer of the owner's salon; another salon's customer
        (or an unknown id) is NotFound. Each export is audited as "customer.exported"."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            timezone, customer = await _salon_customer(uow, actor, salon_id, customer_id)
            export = CustomerExport(
                timezone=timezone,
                exported_at=now,
                customer=customer,
                bookings=await _booking_records(uow, customer.id),
                contacts=await uow.contacts.for_customer(customer.id),
                consents=await uow.contacts.consents(customer.id),
                messages=await uow.messages.for_customer(customer.id),
            )
            trail = Trail(uow, salon_id, by_owner(actor), now)
            await trail.record("customer.exported", customer.id, {"exported": (None, True)})
            await uow.commit()
        return export

    async def erase(self, actor: Actor, salon_id: str, customer_id: str) -> Erasure:
        """Erase the customer's personal data (see the module docstring). Idempotent: erasing
        an erased customer records nothing new and answers the first erasure's time."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            _, customer = await _salon_customer(uow, actor, salon_id, customer_id)
            if customer.erased_at is not None:
                return Erasure(customer.id, customer.erased_at)
            contacts = await uow.contacts.for_customer(customer.id)
            consents = await uow.contacts.consents(customer.id)
            messages = await uow.messages.for_customer(customer.id)
            await uow.customers.update(
                replace(customer, name=ERASED_NAME, phone=None, email=None, erased_at=now)
            )
            await uow.contacts.forget_customer(customer.id)
            await uow.messages.forget_customer(customer.id)
            # Counts and the instant only: the before-values are what is being erased.
            trail = Trail(uow, salon_id, by_owner(actor), now)
            await trail.record(
                "customer.erased",
                customer.id,
                {
                    **changed("erased_at", None, now),
                    **changed("contacts", len(contacts), 0),
                    **changed("consents", len(consents), 0),
                    **changed("messages_blanked", None, len(messages)),
                },
            )
            await uow.commit()
        return Erasure(customer.id, now)
