"""The assistant books the time picked (asking a newcomer's name first) or moves the booking
being rescheduled: through the same use cases as the widget and the manage page."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from application.booking.book_appointment import BookAppointment, BookRequest
from application.booking.customers import CustomerDetails
from application.booking.manage_booking import ByCustomer, ManageBooking
from application.messaging.assistant_offers import Offers
from application.messaging.assistant_turn import BOOK_REPLY, MAX_CHOICES, Turn, manage_replies
from application.messaging.compose import local_time
from application.messaging.conversation import Conversation, Step
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import new_id
from domain.availability import nearest
from domain.booking import BookingSource, Customer
from domain.errors import DomainError, SlotUnavailable
from domain.messaging import Channel
from domain.salon import Salon


class BookTime:
    def __init__(
        self, uow: UnitOfWorkFactory, offers: Offers, book: BookAppointment, manage: ManageBooking
    ) -> None:
        self._uow, self._offers, self._book, self._manage = uow, offers, book, manage

    async def at(self, salon: Salon, turn: Turn, value: str) -> str:
        """The customer picked the time `value` (an ISO instant)."""
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            return await self._offers.times(salon, turn)
        state = turn.state
        if start.tzinfo is None:
            return await self._offers.times(salon, turn)
        if state.reschedule:
            return await self._moved(salon, turn, state.reschedule, start)
        if turn.thread.customer_id is None:
            # Check before asking the name, so a taken time is not found out one step later.
            day = start.astimezone(salon.zone).date()
            free = await self._offers.slots(salon, turn, day, 2)
            if all(slot.start != start for slot in free):
                options = nearest(free, start, MAX_CHOICES)
                return self._offers.taken(salon, turn, SlotUnavailable(alternatives=options))
            turn.state = replace(state, step=Step.NAME, start=start.isoformat())
            turn.say("Almost done: what name should we put the booking under?")
            return "asked name"
        return await self._booked(salon, turn, turn.thread.customer_id, start)

    async def named(self, salon: Salon, turn: Turn, name: str) -> str:
        """A newcomer gave their name: they become a customer and the time is booked."""
        async with self._uow(write=True) as uow:
            # A re-run of this event finds the customer it made the first time.
            contact = await uow.contacts.get(salon.id, turn.thread.platform, turn.thread.scoped_id)
            customer_id = contact.customer_id if contact else None
            if customer_id is None:
                customer = Customer(
                    id=new_id(), salon_id=salon.id, name=name, phone=None, email=None
                )
                await uow.customers.add(customer)
                await uow.contacts.link(turn.thread.id, customer.id)
                customer_id = customer.id
            await uow.commit()
        start = datetime.fromisoformat(str(turn.state.start))
        return await self._booked(salon, turn, customer_id, start)

    async def _booked(self, salon: Salon, turn: Turn, customer_id: str, start: datetime) -> str:
        source = (
            BookingSource.INSTAGRAM
            if turn.thread.platform is Channel.INSTAGRAM
            else BookingSource.MESSENGER
        )
        request = BookRequest(
            salon_id=salon.id,
            service_id=str(turn.state.service),
            staff_id=None,
            start=start,
            customer=CustomerDetails(name="", phone=""),
            source=source,
            customer_id=customer_id,
        )
        try:
            # The event id as idempotency key: re-processing the event answers the same booking.
            receipt = await self._book(request, idempotency_key=f"meta:{turn.said.event_id}")
        except SlotUnavailable as exc:
            return self._offers.taken(salon, turn, exc)
        except DomainError as exc:
            turn.state = Conversation()
            turn.say(f"Sorry, that did not work: {exc}", [BOOK_REPLY])
            return "booking refused"
        booking = receipt.view.booking
        turn.state = Conversation()
        turn.say(
            f"Booked: {local_time(booking.start, salon)}. See you at {salon.name}!",
            manage_replies(booking.id),
        )
        return f"booked {booking.id}"

    async def _moved(self, salon: Salon, turn: Turn, booking_id: str, start: datetime) -> str:
        customer_id = turn.thread.customer_id or ""
        try:
            view = await self._manage.reschedule(ByCustomer(booking_id, customer_id), start, None)
        except SlotUnavailable as exc:
            return self._offers.taken(salon, turn, exc)
        except DomainError as exc:
            turn.state = Conversation()
            turn.say(f"Sorry, I could not move it: {exc}")
            return "reschedule refused"
        turn.state = Conversation()
        turn.say(
            f"Done: moved to {local_time(view.booking.start, salon)}.",
            manage_replies(booking_id),
        )
        return f"rescheduled {booking_id}"
