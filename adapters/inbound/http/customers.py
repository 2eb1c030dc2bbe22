"""Customer data rights: the owner exports everything held about a customer, or erases it.

`DELETE` answers 204 with no body, also when the customer was already erased (idempotent).
Instants are given in the salon's offset, like every admin answer.
"""

from __future__ import annotations

import msgspec
from litestar import Controller, delete, get
from litestar.di import Provide
from litestar.status_codes import HTTP_204_NO_CONTENT

from application.actor import Actor
from application.customers.data_rights import BookingRecord, CustomerExport
from application.use_cases import UseCases
from domain.messaging import Consent, Contact, OutboundMessage

from .dependencies import provide_actor
from .presenters import local


class CustomerRecordOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    phone: str | None
    email: str | None
    erased_at: str | None


class ExportedBookingOut(msgspec.Struct, kw_only=True):
    id: str
    service_id: str
    service_name: str | None
    staff_id: str
    staff_name: str | None
    status: str
    source: str
    start: str
    end: str
    created_at: str


class ExportedContactOut(msgspec.Struct, kw_only=True):
    platform: str  # messenger | instagram
    page_id: str
    scoped_id: str  # the customer's PSID / IGSID for that Page or account
    last_inbound_at: str | None
    created_at: str
    conversation_expires_at: str | None  # the assistant's stored state, if any, lapses then


class ExportedConsentOut(msgspec.Struct, kw_only=True):
    channel: str
    granted: bool
    source: str
    at: str


class ExportedMessageOut(msgspec.Struct, kw_only=True):
    id: str
    booking_id: str | None
    purpose: str
    status: str
    channel: str | None
    reason: str | None
    body: str | None
    created_at: str
    sent_at: str | None


class CustomerExportOut(msgspec.Struct, kw_only=True):
    salon_id: str
    exported_at: str
    customer: CustomerRecordOut
    bookings: list[ExportedBookingOut]
    contacts: list[ExportedContactOut]
    consents: list[ExportedConsentOut]
    messages: list[ExportedMessageOut]


def _booking(r: BookingRecord, tz: str) -> ExportedBookingOut:
    b = r.booking
    return ExportedBookingOut(
        id=b.id,
        service_id=b.service_id,
        service_name=r.service_name,
        staff_id=b.staff_id,
        staff_name=r.staff_name,
        status=b.status.value,
        source=b.source.value,
        start=local(b.start, tz),
        end=local(b.end, tz),
        created_at=local(b.created_at, tz),
    )


def _contact(c: Contact, tz: str) -> ExportedContactOut:
    return ExportedContactOut(
        platform=c.platform.value,
        page_id=c.page_id,
        scoped_id=c.scoped_id,
        last_inbound_at=local(c.last_inbound_at, tz) if c.last_inbound_at else None,
        created_at=local(c.created_at, tz),
        conversation_expires_at=(
            local(c.assistant_expires_at, tz) if c.assistant_expires_at else None
        ),
    )


def _consent(c: Consent, tz: str) -> ExportedConsentOut:
    return ExportedConsentOut(
        channel=c.channel.value, granted=c.granted, source=c.source, at=local(c.at, tz)
    )


def _message(m: OutboundMessage, tz: str) -> ExportedMessageOut:
    return ExportedMessageOut(
        id=m.id,
        booking_id=m.booking_id,
        purpose=m.purpose.value,
        status=m.status.value,
        channel=m.channel.value if m.channel else None,
        reason=m.reason,
        body=m.body,
        created_at=local(m.created_at, tz),
        sent_at=local(m.sent_at, tz) if m.sent_at else None,
    )


def export_out(x: CustomerExport) -> CustomerExportOut:
    tz, c = x.timezone, x.customer
    return CustomerExportOut(
        salon_id=c.salon_id,
        exported_at=local(x.exported_at, tz),
        customer=CustomerRecordOut(
            id=c.id,
            name=c.name,
            phone=c.phone,
            email=c.email,
            erased_at=local(c.erased_at, tz) if c.erased_at else None,
        ),
        bookings=[_booking(b, tz) for b in x.bookings],
        contacts=[_contact(k, tz) for k in x.contacts],
        consents=[_consent(k, tz) for k in x.consents],
        messages=[_message(m, tz) for m in x.messages],
    )


class CustomersController(Controller):
    path = "/api/salons/{salon_id:str}/customers"
    tags = ["customers"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("/{customer_id:str}/export")
    async def export(
        self, salon_id: str, customer_id: str, actor: Actor, use_cases: UseCases
    ) -> CustomerExportOut:
        """Everything held about the customer (audited as `customer.exported`)."""
        found = await use_cases.customer_data_rights.export(actor, salon_id, customer_id)
        return export_out(found)

    @delete("/{customer_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def erase(
        self, salon_id: str, customer_id: str, actor: Actor, use_cases: UseCases
    ) -> None:
        """Erase the customer's personal data and Meta ids; their bookings stay, anonymised.
        Idempotent: erasing again answers 204 and changes nothing."""
        await use_cases.customer_data_rights.erase(actor, salon_id, customer_id)
