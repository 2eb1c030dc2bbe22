"""Meta's own Page appointments (an `appointment_booking` message attachment).

`requested`/`confirmed` create the booking (source messenger, or instagram) through the same
use case as the widget, or move it when the time changed; the Meta booking id is kept as the
booking's `external_ref` (unique per salon) and doubles as the idempotency key, so a re-run
adds nothing. When the time is taken, the customer is offered the nearest free times in the
thread and the owner is alerted. `declined`/`cancelled` cancel it.

A later `confirmed` confirms a pending booking, and a new time moves it like the customer's
own reschedule (offering alternatives when taken). Meta's appointment carries no service: the
salon's active service whose duration matches the appointment is used, else its first active
service (the owner can correct it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from application.audit_trail import Trail, by_system
from application.booking.book_appointment import BookAppointment, BookRequest
from application.booking.customers import CustomerDetails
from application.booking.manage_booking import ByCustomer, ManageBooking
from application.messaging.assistant import STATE_TTL
from application.messaging.compose import local_time
from application.messaging.conversation import Conversation, Step
from application.messaging.payloads import ChooseTime, encode
from application.messaging.queue import queue_reply
from application.ports.clock import Clock
from application.ports.customer_messenger import Reply
from application.ports.owner_alert_repository import OwnerAlert
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.ports.webhook_inbox import StoredEvent
from application.security import new_id
from application.webhooks.conversations import Conversations, Thread
from application.webhooks.process import Outcome
from domain.audit import diff
from domain.availability import Slot
from domain.booking import Booking, BookingSource, BookingStatus, Customer
from domain.catalog import Service
from domain.errors import DomainError, SlotUnavailable
from domain.messaging import Channel, Purpose
from domain.webhook_kinds import EventKind

ACTIVE = ("requested", "confirmed")
ENDED = ("declined", "cancelled")


def appointment_of(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    message = item.get("message")
    attachments = message.get("attachments") if isinstance(message, Mapping) else None
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, Mapping) and attachment.get("type") == "appointment_booking":
            payload = attachment.get("payload")
            return payload if isinstance(payload, Mapping) else None
    return None


def _instant(value: Any) -> datetime | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < seconds < 10**11:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def pick_service(services: Sequence[Service], minutes: int) -> Service | None:
    active = [s for s in services if s.active]
    return next((s for s in active if s.duration_minutes == minutes), active[0] if active else None)


class MetaAppointments:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        book: BookAppointment,
        conversations: Conversations,
        manage: ManageBooking,
    ) -> None:
        self._uow, self._clock, self._book, self._manage = uow, clock, book, manage
        self._conversations = conversations

    async def __call__(self, event: StoredEvent) -> Outcome:
        payload = appointment_of(event.event.payload)
        if payload is None:
            return Outcome("ignored", "no appointment in the attachment")
        meta_id, status = str(payload.get("booking_id") or ""), str(payload.get("status") or "")
        start, end = _instant(payload.get("start_time")), _instant(payload.get("end_time"))
        if not meta_id or status not in ACTIVE + ENDED:
            return Outcome("ignored", f"appointment without id or with status {status!r}")
        by_page = event.event.kind is EventKind.ECHO
        if by_page:  # the Page changed it: the customer is the recipient
            event = replace(
                event,
                event=replace(
                    event.event,
                    sender_id=event.event.recipient_id,
                    recipient_id=event.event.sender_id,
                ),
            )
        thread = await self._conversations.thread(event, inbound=not by_page)
        if thread is None:
            return Outcome("ignored", "no connected salon has this Page or Instagram account")
        ref = f"meta:{meta_id}"
        async with self._uow() as uow:
            existing = await uow.bookings.get_by_external_ref(thread.salon.id, ref)
        if status in ENDED:
            return await self._cancel(thread, ref, status)
        if start is None or end is None or end <= start:
            return Outcome("ignored", "appointment without a valid start and end")
        if existing is not None:
            return await self._update(event, thread, existing, status, start)
        return await self._create(event, thread, ref, start, end)

    async def _update(
        self, event: StoredEvent, thread: Thread, booking: Booking, status: str, start: datetime
    ) -> Outcome:
        """`confirmed` confirms a pending booking; a new time moves it (same rules as the
        customer moving it from their manage link), or offers other times when taken."""
        salon = thread.salon
        if not booking.active:
            return Outcome("ignored", f"booking {booking.id} is {booking.status}", salon.id)
        done = []
        if booking.start != start:
            try:
                await self._manage.reschedule(
                    ByCustomer(booking.id, booking.customer_id), start, None
                )
            except SlotUnavailable as exc:
                return await self._taken(event, thread, start, booking.service_id, exc)
            except DomainError as exc:
                return Outcome("ignored", f"the new time was refused: {exc}", salon.id)
            done.append("moved")
        if status == "confirmed" and booking.status is BookingStatus.PENDING:
            now = self._clock.now()
            async with self._uow(write=True) as uow:
                current = await uow.bookings.get(booking.id)
                if current is not None and current.status is BookingStatus.PENDING:
                    confirmed = replace(current, status=BookingStatus.CONFIRMED)
                    await uow.bookings.update(confirmed)
                    trail = Trail(uow, salon.id, by_system("meta.appointment"), now)
                    await trail.record(
                        "booking.status_changed", booking.id, diff(current, confirmed)
                    )
                    await uow.commit()
                    done.append("confirmed")
        what = " and ".join(done) or "already matches"
        return Outcome("processed", f"booking {booking.id} {what}", salon.id)

    async def _create(
        self, event: StoredEvent, thread: Thread, ref: str, start: datetime, end: datetime
    ) -> Outcome:
        salon, contact = thread.salon, thread.contact
        async with self._uow(write=True) as uow:
            service = pick_service(
                await uow.catalog.services(salon.id), int((end - start).total_seconds() // 60)
            )
            customer_id = contact.customer_id
            if customer_id is None:
                customer = Customer(
                    id=new_id(),
                    salon_id=salon.id,
                    name=f"{contact.platform.value.title()} customer",
                    phone=None,
                    email=None,
                )
                await uow.customers.add(customer)
                await uow.contacts.link(contact.id, customer.id)
                customer_id = customer.id
            await uow.commit()
        if service is None:
            return Outcome("ignored", "the salon has no active service", salon.id)
        source = (
            BookingSource.INSTAGRAM
            if contact.platform is Channel.INSTAGRAM
            else BookingSource.MESSENGER
        )
        request = BookRequest(
            salon_id=salon.id,
            service_id=service.id,
            staff_id=None,
            start=start,
            customer=CustomerDetails(name="", phone=""),
            source=source,
            customer_id=customer_id,
            external_ref=ref,
        )
        try:
            receipt = await self._book(request, idempotency_key=ref)
        except SlotUnavailable as exc:
            return await self._taken(event, thread, start, service.id, exc)
        except DomainError as exc:
            return Outcome("ignored", f"appointment refused: {exc}", salon.id)
        return Outcome("processed", f"booking {receipt.view.booking.id} created", salon.id)

    async def _taken(
        self,
        event: StoredEvent,
        thread: Thread,
        start: datetime,
        service_id: str,
        exc: SlotUnavailable,
    ) -> Outcome:
        salon, now = thread.salon, self._clock.now()
        options = [a for a in exc.alternatives if isinstance(a, Slot)][:10]
        when = local_time(start, salon)
        customer_asked = event.event.kind is not EventKind.ECHO  # not a change the Page itself made
        async with self._uow(write=True) as uow:
            if customer_asked:
                # Tapping one of the offered times books it through the assistant's time step.
                state = Conversation(Step.TIME, service=service_id, offer="meta_appointment")
                await uow.contacts.save_assistant(
                    thread.contact.id, state.to_json(), now + STATE_TTL
                )
                await self._offer(uow, event, thread, when, options, now)
            await uow.alerts.add_alert(
                OwnerAlert(
                    id=new_id(),
                    salon_id=salon.id,
                    kind="meta_appointment_conflict",
                    message=(
                        f"A Facebook appointment for {when} could not be placed: that time is "
                        "taken."
                        + (
                            " The customer was offered other times in Messenger."
                            if customer_asked
                            else ""
                        )
                    ),
                    created_at=now,
                ),
                dedup_key=f"meta_appointment_conflict:{event.id}",
            )
            await uow.commit()
        return Outcome("processed", "slot taken: owner alerted", salon.id)

    async def _offer(
        self,
        uow: UnitOfWork,
        event: StoredEvent,
        thread: Thread,
        when: str,
        options: list[Slot],
        now: datetime,
    ) -> None:
        salon = thread.salon
        await queue_reply(
            uow,
            thread.contact,
            f"Sorry, {when} is already taken at {salon.name}. These times are free:"
            if options
            else f"Sorry, {when} is already taken at {salon.name}.",
            now,
            key=f"reply:{event.id}:0",
            purpose=Purpose.SLOT_TAKEN,
            quick_replies=[
                Reply(local_time(s.start, salon)[:20], encode(ChooseTime.of(s.start)))
                for s in options
            ],
        )

    async def _cancel(self, thread: Thread, ref: str, status: str) -> Outcome:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            booking = await uow.bookings.get_by_external_ref(thread.salon.id, ref)
            if booking is None:
                return Outcome("ignored", f"{status}: no booking for it", thread.salon.id)
            if not booking.active:
                return Outcome(
                    "processed", f"booking {booking.id} already {booking.status}", thread.salon.id
                )
            cancelled = replace(booking, status=BookingStatus.CANCELLED)
            await uow.bookings.update(cancelled)
            trail = Trail(uow, thread.salon.id, by_system("meta.appointment"), now)
            await trail.record("booking.cancelled", booking.id, diff(booking, cancelled))
            await uow.commit()
        return Outcome(
            "processed", f"booking {booking.id} cancelled ({status} on Meta)", thread.salon.id
        )
