"""The Messenger booking assistant (Elite): service → day → time as quick replies from live
availability, then the booking through the same use case as the widget (same conflict
rules); and rescheduling or cancelling the customer's upcoming bookings from the thread.

Its state (conversation.py) lives on the contact row (JSON, expiring after `STATE_TTL`), so a
conversation survives a worker restart and a stale one starts over. Every reply is queued with
a key made of the webhook event and its position, so re-processing an event queues nothing new.
The steps: assistant_offers.py (services, days, times), assistant_booking.py (book or move the
time picked), assistant_manage.py (a booking's quick replies); payloads.py is their wire format.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from application.booking.book_appointment import BookAppointment
from application.booking.manage_booking import ManageBooking
from application.messaging.assistant_booking import BookTime
from application.messaging.assistant_manage import ManageFromThread
from application.messaging.assistant_offers import Offers
from application.messaging.assistant_turn import BOOK_REPLY, Turn
from application.messaging.assistant_turn import Said as Said  # the assistant's input
from application.messaging.conversation import Conversation, Step
from application.messaging.payloads import Book, ChooseDay, ChooseService, ChooseTime, Manage
from application.messaging.queue import queue_reply
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.messaging import Contact
from domain.salon import Salon, Tier

STATE_TTL = timedelta(minutes=30)
BOOK_WORDS = ("book", "booking", "appointment", "book now")


def wants_assistant(salon: Salon) -> bool:
    return salon.tier is Tier.ELITE


class Assistant:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        book: BookAppointment,
        manage: ManageBooking,
    ) -> None:
        self._uow, self._clock = uow, clock
        self._offers = Offers(uow, clock)
        self._time = BookTime(uow, self._offers, book, manage)
        self._manage = ManageFromThread(uow, self._offers, manage)

    async def handle(self, salon: Salon, thread: Contact, said: Said) -> str | None:
        """Answer one customer message; returns what happened, for the event's outcome, or
        None when there is nothing to answer (the assistant is for Elite salons; changing a
        booking from its quick replies works on every plan with Messenger)."""
        if not wants_assistant(salon) and not _manages(said, thread):
            return None
        now = self._clock.now()
        state = Conversation.from_json(thread.assistant_state)
        if thread.assistant_expires_at is None or thread.assistant_expires_at <= now:
            state = Conversation()
        turn = Turn(said, thread, state)
        outcome = await self._step(salon, turn)
        async with self._uow(write=True) as uow:
            stored = turn.state.to_json() or None
            expires = now + STATE_TTL if stored else None
            await uow.contacts.save_assistant(thread.id, stored, expires)
            for i, (text, replies) in enumerate(turn.replies):
                await queue_reply(
                    uow, thread, text, now, key=f"reply:{said.event_id}:{i}", quick_replies=replies
                )
            await uow.commit()
        return outcome

    async def _step(self, salon: Salon, turn: Turn) -> str:
        payload, state = turn.said.decoded, turn.state
        text = (turn.said.text or "").strip()
        match payload:
            case Manage():
                return await self._manage(salon, turn, payload)
            case ChooseService(service_id):
                turn.state = Conversation(service=service_id)
                return await self._offers.days(salon, turn)
            case ChooseDay(day) if state.service:
                turn.state = replace(state, day=day)
                return await self._offers.times(salon, turn)
            case ChooseTime(start) if state.service:
                return await self._time.at(salon, turn, start)
        if state.step is Step.NAME and text and payload is None:
            return await self._time.named(salon, turn, text[:200])
        if isinstance(payload, Book) or text.lower() in BOOK_WORDS:
            turn.state = Conversation()
            return await self._offers.services(salon, turn)
        turn.say(
            f"Hi! I can book you in at {salon.name}, or change an appointment you have.",
            (BOOK_REPLY,),
        )
        return "greeted"


def _manages(said: Said, thread: Contact) -> bool:
    """Managing an existing booking: its quick replies, or picking its new time."""
    payload = said.decoded
    state = Conversation.from_json(thread.assistant_state)
    ours = bool(state.reschedule or state.offer)  # a booking change, or our offer
    return isinstance(payload, Manage) or (isinstance(payload, ChooseDay | ChooseTime) and ours)
