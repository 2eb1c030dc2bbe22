"""Customer data rights (export, erasure) through the real use cases over in-memory adapters."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from application.actor import Actor
from application.audit_query import AuditFilter
from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from application.customers.data_rights import ERASED_NAME, CustomerDataRights
from domain.audit import ActorType, EntityType
from domain.booking import BookingSource
from domain.errors import NotFound
from domain.messaging import (
    Channel,
    Consent,
    Contact,
    MessageStatus,
    OutboundMessage,
    Purpose,
)

from .conftest import World

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=IST)


async def book(w: World, start: datetime, phone: str = "98765 43210") -> tuple[str, str]:
    """(booking id, customer id) of a widget booking by Riya."""
    receipt = await w.uc.book(
        BookRequest(
            salon_id=w.salon_id,
            service_id=w.cut,
            staff_id=w.asha,
            start=start,
            customer=CustomerDetails("Riya", phone, "riya@example.com"),
            source=BookingSource.INSTAGRAM,
        )
    )
    return receipt.view.booking.id, receipt.view.customer.id


async def held_in_messenger(w: World, customer_id: str) -> None:
    """What the Messenger side leaves behind: a linked contact with assistant state, a
    consent history and a sent confirmation."""
    now = w.clock.now()
    async with w.uow(write=True) as uow:
        contact = await uow.contacts.touch(
            Contact(
                id="contact-1",
                salon_id=w.salon_id,
                customer_id=None,
                platform=Channel.MESSENGER,
                page_id="page-1",
                scoped_id="psid-riya",
                last_inbound_at=now,
                created_at=now,
            )
        )
        await uow.contacts.link(contact.id, customer_id)
        await uow.contacts.save_assistant(contact.id, {"step": "day"}, now + timedelta(hours=1))
        for granted, source in ((True, "messenger_link"), (False, "keyword_stop")):
            await uow.contacts.add_consent(
                w.salon_id, Consent(customer_id, Channel.MESSENGER, granted, source, now)
            )
        await uow.messages.add(
            OutboundMessage(
                id="message-1",
                salon_id=w.salon_id,
                customer_id=customer_id,
                booking_id=None,
                purpose=Purpose.CONFIRMATION,
                dedup_key="confirmation:riya",
                status=MessageStatus.SENT,
                details={"thread": contact.id},
                attempts=1,
                created_at=now,
                channel=Channel.MESSENGER,
                reason="inside the 24-hour window",
                body="Riya, you're booked for Cut at 11:00.",
                sent_at=now,
            )
        )
        await uow.commit()


@pytest.fixture
def rights(world: World) -> CustomerDataRights:
    return CustomerDataRights(world.uow, world.clock)


async def customer_log(w: World) -> list[tuple[str, str, ActorType, str | None]]:
    view = await w.uc.audit.search(
        w.actor, w.salon_id, AuditFilter(entity_type=EntityType.CUSTOMER, limit=200)
    )
    return [(e.action, e.entity_id, e.actor_type, e.actor_id) for e in view.page.items]


async def test_export_holds_everything_about_the_customer(
    world: World, rights: CustomerDataRights
) -> None:
    w = world
    first, customer_id = await book(w, at(2, 11))
    second, _ = await book(w, at(3, 12))
    await held_in_messenger(w, customer_id)

    export = await rights.export(w.actor, w.salon_id, customer_id)

    assert export.timezone == "Asia/Kolkata"
    c = export.customer
    assert (c.name, c.phone, c.email, c.erased_at) == (
        "Riya",
        "+919876543210",
        "riya@example.com",
        None,
    )
    assert [r.booking.id for r in export.bookings] == [first, second]
    assert {(r.service_name, r.staff_name) for r in export.bookings} == {("Cut", "Asha")}
    [contact] = export.contacts
    assert (contact.platform, contact.page_id, contact.scoped_id) == (
        Channel.MESSENGER,
        "page-1",
        "psid-riya",
    )
    assert contact.assistant_expires_at == w.clock.now() + timedelta(hours=1)
    assert [(k.granted, k.source) for k in export.consents] == [
        (True, "messenger_link"),
        (False, "keyword_stop"),
    ]
    [message] = export.messages
    assert message.body == "Riya, you're booked for Cut at 11:00."
    assert await customer_log(w) == [
        ("customer.exported", customer_id, ActorType.OWNER, w.actor.owner_id)
    ]


async def test_erasure_keeps_the_books_and_forgets_the_person(
    world: World, rights: CustomerDataRights
) -> None:
    w = world
    first, customer_id = await book(w, at(2, 11))
    second, _ = await book(w, at(3, 12))
    await held_in_messenger(w, customer_id)
    w.clock.advance(timedelta(minutes=5))
    erased_at = w.clock.now()

    erasure = await rights.erase(w.actor, w.salon_id, customer_id)
    assert (erasure.customer_id, erasure.erased_at) == (customer_id, erased_at)

    w.clock.advance(timedelta(minutes=1))
    export = await rights.export(w.actor, w.salon_id, customer_id)
    c = export.customer
    assert (c.name, c.phone, c.email, c.erased_at) == (ERASED_NAME, None, None, erased_at)
    assert [r.booking.id for r in export.bookings] == [first, second]
    assert all(r.booking.customer_id == customer_id for r in export.bookings)
    assert export.contacts == []
    assert export.consents == []
    [message] = export.messages
    assert message.body is None and dict(message.details) == {}
    assert (message.purpose, message.channel, message.status) == (
        Purpose.CONFIRMATION,
        Channel.MESSENGER,
        MessageStatus.SENT,
    )
    async with w.uow() as uow:
        assert await uow.contacts.get(w.salon_id, Channel.MESSENGER, "psid-riya") is None
        assert await uow.customers.get_by_phone(w.salon_id, "+919876543210") is None

    log = await customer_log(w)
    assert [a for a, *_ in log] == ["customer.exported", "customer.erased"]  # newest first
    assert {(who, by) for _, _, who, by in log} == {(ActorType.OWNER, w.actor.owner_id)}
    view = await w.uc.audit.search(
        w.actor, w.salon_id, AuditFilter(entity_type=EntityType.CUSTOMER, limit=200)
    )
    erased = next(e for e in view.page.items if e.action == "customer.erased")
    assert erased.changes["contacts"] == (1, 0) and erased.changes["consents"] == (2, 0)
    # The append-only log must not keep what was erased.
    assert "Riya" not in repr(erased.changes) and "98765" not in repr(erased.changes)


async def test_erasing_again_changes_nothing(world: World, rights: CustomerDataRights) -> None:
    w = world
    _, customer_id = await book(w, at(2, 11))
    first = await rights.erase(w.actor, w.salon_id, customer_id)
    w.clock.advance(timedelta(hours=1))
    again = await rights.erase(w.actor, w.salon_id, customer_id)
    assert again == first
    assert [a for a, *_ in await customer_log(w)] == ["customer.erased"]
    async with w.uow() as uow:
        stored = await uow.customers.get(customer_id)
    assert stored is not None and stored.erased_at == first.erased_at


async def test_the_same_phone_books_afresh_after_erasure(
    world: World, rights: CustomerDataRights
) -> None:
    w = world
    _, customer_id = await book(w, at(2, 11))
    await rights.erase(w.actor, w.salon_id, customer_id)
    _, again = await book(w, at(3, 11))
    assert again != customer_id


async def test_other_owners_and_unknown_ids_are_not_found(
    world: World, rights: CustomerDataRights
) -> None:
    w = world
    _, customer_id = await book(w, at(2, 11))
    made = await w.uc.sign_up(
        email="other@example.com",
        password="correct horse",
        salon_name="Other",
        timezone="Asia/Kolkata",
    )
    other = Actor(made.owner_id)
    for actor, salon_id, cid in (
        (other, w.salon_id, customer_id),  # not their salon
        (other, made.salon_id, customer_id),  # their salon, not their customer
        (w.actor, w.salon_id, "no-such-customer"),
        (w.actor, made.salon_id, customer_id),
    ):
        with pytest.raises(NotFound):
            await rights.export(actor, salon_id, cid)
        with pytest.raises(NotFound):
            await rights.erase(actor, salon_id, cid)
    async with w.uow() as uow:
        stored = await uow.customers.get(customer_id)
    assert stored is not None
    assert (stored.name, stored.phone, stored.erased_at) == ("Riya", "+919876543210", None)
    assert await customer_log(w) == []
