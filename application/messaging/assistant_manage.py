"""Changing an existing booking from its quick replies: reschedule (the days are offered),
cancel (asked to confirm first), on every plan with Messenger."""

from __future__ import annotations

from application.booking.manage_booking import ByCustomer, ManageBooking
from application.messaging.assistant_offers import Offers
from application.messaging.assistant_turn import BOOK_REPLY, Turn
from application.messaging.compose import local_time
from application.messaging.conversation import Conversation
from application.messaging.payloads import CANCEL, CANCEL_YES, RESCHEDULE, Keep, Manage, encode
from application.ports.customer_messenger import Reply
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DomainError
from domain.salon import Salon


class ManageFromThread:
    def __init__(self, uow: UnitOfWorkFactory, offers: Offers, manage: ManageBooking) -> None:
        self._uow, self._offers, self._manage = uow, offers, manage

    async def __call__(self, salon: Salon, turn: Turn, asked: Manage) -> str:
        customer_id = turn.thread.customer_id
        async with self._uow() as uow:
            booking = await uow.bookings.get(asked.booking_id)
        if booking is None or customer_id is None or booking.customer_id != customer_id:
            turn.say("I can't find that booking for you.")
            return "unknown booking"
        if asked.action == RESCHEDULE:
            turn.state = Conversation(service=booking.service_id, reschedule=booking.id)
            return await self._offers.days(salon, turn)
        if asked.action == CANCEL:
            turn.say(
                f"Cancel your appointment on {local_time(booking.start, salon)}?",
                (
                    Reply("Yes, cancel", encode(Manage(CANCEL_YES, booking.id))),
                    Reply("Keep it", encode(Keep())),
                ),
            )
            return "asked to confirm cancel"
        if asked.action == CANCEL_YES:
            try:
                await self._manage.cancel(ByCustomer(booking.id, customer_id))
            except DomainError as exc:
                turn.say(f"Sorry, it can't be cancelled here: {exc}")
                return "cancel refused"
            turn.say("Cancelled. We hope to see you another time.", (BOOK_REPLY,))
            return f"cancelled {booking.id}"
        return "unknown action"
