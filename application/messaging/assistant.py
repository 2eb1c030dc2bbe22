"""The Messenger booking assistant (Elite): service → day → time as quick replies from live
availability, then the booking through the same use case as the widget (same conflict
rules); and rescheduling or cancelling the customer's upcoming bookings from the thread.

Its state lives on the contact row (JSON, expiring after `STATE_TTL`), so a conversation
survives a worker restart and a stale one starts over. Every reply is queued with a key made
of the webhook event and its position, so re-processing an event queues nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from application.booking.book_appointment import BookAppointment, BookRequest
from application.booking.customers import CustomerDetails
from application.booking.manage_booking import ByCustomer, ManageBooking
from application.booking.slots import Occupancy, offered_slots, qualified
from application.messaging.compose import CANCEL, RESCHEDULE, local_time, manage_payload
from application.messaging.queue import queue_reply
from application.ports.clock import Clock
from application.ports.customer_messenger import Reply
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import new_id
from domain.availability import Slot, nearest
from domain.booking import BookingSource, Customer
from domain.errors import DomainError, SlotUnavailable
from domain.messaging import Channel, Contact
from domain.salon import Salon, Tier

STATE_TTL = timedelta(minutes=30)
MAX_CHOICES = 10  # quick replies per message (Meta allows 13)
DAYS_AHEAD = 14
BOOK = "BOOK"


@dataclass(frozen=True, slots=True)
class Said:
    """What the customer sent: a quick reply / postback payload, or free text."""

    payload: str | None
    text: str | None
    event_id: str  # makes each reply once per event


@dataclass
class _Turn:
    """The replies one customer message produces, keyed by the event and position."""

    said: Said
    thread: Contact
    replies: list[tuple[str, Sequence[Reply]]]
    state: dict[str, Any] | None

    def say(self, text: str, replies: Sequence[Reply] = ()) -> None:
        self.replies.append((text, replies))


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
        self._uow, self._clock, self._book, self._manage = uow, clock, book, manage

    async def handle(self, salon: Salon, thread: Contact, said: Said) -> str | None:
        """Answer one customer message; returns what happened, for the event's outcome, or
        None when there is nothing to answer (the assistant is for Elite salons; changing a
        booking from its quick replies works on every plan with Messenger)."""
        if not wants_assistant(salon) and not _manages(said, thread):
            return None
        now = self._clock.now()
        state = dict(thread.assistant_state or {})
        if thread.assistant_expires_at is None or thread.assistant_expires_at <= now:
            state = {}
        turn = _Turn(said, thread, [], state)
        outcome = await self._step(salon, turn)
        async with self._uow(write=True) as uow:
            expires = now + STATE_TTL if turn.state else None
            await uow.contacts.save_assistant(thread.id, turn.state or None, expires)
            for i, (text, replies) in enumerate(turn.replies):
                await queue_reply(
                    uow, thread, text, now, key=f"reply:{said.event_id}:{i}", quick_replies=replies
                )
            await uow.commit()
        return outcome

    async def _step(self, salon: Salon, turn: _Turn) -> str:
        payload = turn.said.payload or ""
        text = (turn.said.text or "").strip()
        state = turn.state or {}
        kind, _, rest = payload.partition(":")
        if kind == "MANAGE":
            action, _, booking_id = rest.partition(":")
            return await self._manage_step(salon, turn, action, booking_id)
        if kind == "SVC":
            turn.state = {"service": rest}
            return await self._offer_days(salon, turn)
        if kind == "DAY" and state.get("service"):
            turn.state = {**state, "day": rest}
            return await self._offer_times(salon, turn)
        if kind == "TIME" and state.get("service"):
            return await self._at_time(salon, turn, rest)
        if state.get("step") == "name" and text and not payload:
            return await self._named(salon, turn, text[:200])
        if payload == BOOK or text.lower() in ("book", "booking", "appointment", "book now"):
            turn.state = {}
            return await self._offer_services(salon, turn)
        turn.state = state or None
        turn.say(
            f"Hi! I can book you in at {salon.name}, or change an appointment you have.",
            (Reply("Book", BOOK),),
        )
        return "greeted"

    async def _offer_services(self, salon: Salon, turn: _Turn) -> str:
        async with self._uow() as uow:
            services = [s for s in await uow.catalog.services(salon.id) if s.active]
        if not services:
            turn.say(f"{salon.name} has no services to book online yet.")
            return "no services"
        turn.state = {"step": "service"}
        turn.say(
            "What would you like to book?",
            [Reply(s.name[:20], f"SVC:{s.id}") for s in services[:MAX_CHOICES]],
        )
        return "offered services"

    async def _slots(self, salon: Salon, turn: _Turn, first: date, days: int) -> list[Slot]:
        state = turn.state or {}
        now = self._clock.now()
        async with self._uow() as uow:
            service = await uow.catalog.get_service(str(state.get("service")))
            if service is None or service.salon_id != salon.id:
                return []
            exclude = state.get("reschedule")
            staff = qualified(await uow.catalog.staff(salon.id), service)
            return await offered_slots(
                uow,
                salon,
                Occupancy.of(service),
                [s.id for s in staff],
                first,
                days,
                now,
                str(exclude) if exclude else None,
            )

    async def _offer_days(self, salon: Salon, turn: _Turn) -> str:
        today = self._clock.now().astimezone(salon.zone).date()
        slots = await self._slots(salon, turn, today, DAYS_AHEAD)
        days: list[date] = []
        for slot in slots:
            day = slot.start.astimezone(salon.zone).date()
            if day not in days:
                days.append(day)
        if not days:
            turn.state = None
            turn.say("Sorry, there are no free times in the next two weeks.", [Reply("Book", BOOK)])
            return "no days"
        turn.state = {**(turn.state or {}), "step": "day"}
        turn.say(
            "Which day suits you?",
            [Reply(d.strftime("%a %d %b"), f"DAY:{d.isoformat()}") for d in days[:MAX_CHOICES]],
        )
        return "offered days"

    async def _offer_times(self, salon: Salon, turn: _Turn, prefix: str = "") -> str:
        state = turn.state or {}
        try:
            day = date.fromisoformat(str(state.get("day")))
        except ValueError:
            return await self._offer_days(salon, turn)
        slots = await self._slots(salon, turn, day, 1)
        if not slots:
            turn.say(f"{prefix}That day is now full.".strip())
            return await self._offer_days(salon, turn)
        turn.state = {**state, "step": "time"}
        turn.say(f"{prefix}Pick a time:".strip(), _time_replies(slots, salon))
        return "offered times"

    async def _at_time(self, salon: Salon, turn: _Turn, value: str) -> str:
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            return await self._offer_times(salon, turn)
        state = turn.state or {}
        if start.tzinfo is None:
            return await self._offer_times(salon, turn)
        if state.get("reschedule"):
            return await self._moved(salon, turn, str(state["reschedule"]), start)
        if turn.thread.customer_id is None:
            # Check before asking the name, so a taken time is not found out one step later.
            day = start.astimezone(salon.zone).date()
            free = await self._slots(salon, turn, day, 2)
            if all(slot.start != start for slot in free):
                options = nearest(free, start, MAX_CHOICES)
                return self._taken(salon, turn, SlotUnavailable(alternatives=options))
            turn.state = {**state, "step": "name", "start": start.isoformat()}
            turn.say("Almost done: what name should we put the booking under?")
            return "asked name"
        return await self._booked(salon, turn, turn.thread.customer_id, start)

    async def _named(self, salon: Salon, turn: _Turn, name: str) -> str:
        state = turn.state or {}
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
        return await self._booked(salon, turn, customer_id, datetime.fromisoformat(state["start"]))

    async def _booked(self, salon: Salon, turn: _Turn, customer_id: str, start: datetime) -> str:
        state = turn.state or {}
        source = (
            BookingSource.INSTAGRAM
            if turn.thread.platform is Channel.INSTAGRAM
            else BookingSource.MESSENGER
        )
        request = BookRequest(
            salon_id=salon.id,
            service_id=str(state.get("service")),
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
            return self._taken(salon, turn, exc)
        except DomainError as exc:
            turn.state = None
            turn.say(f"Sorry, that did not work: {exc}", [Reply("Book", BOOK)])
            return "booking refused"
        booking = receipt.view.booking
        turn.state = None
        turn.say(
            f"Booked: {local_time(booking.start, salon)}. See you at {salon.name}!",
            _manage_replies(booking.id),
        )
        return f"booked {booking.id}"

    def _taken(self, salon: Salon, turn: _Turn, exc: SlotUnavailable) -> str:
        options = [a for a in exc.alternatives if isinstance(a, Slot)]
        if not options:
            turn.state = None
            turn.say(
                "Sorry, that time was just taken and nothing close is free.", [Reply("Book", BOOK)]
            )
            return "slot taken, no alternatives"
        turn.state = {**(turn.state or {}), "step": "time"}
        turn.say("Sorry, that time was just taken. These are free:", _time_replies(options, salon))
        return "slot taken, alternatives offered"

    async def _moved(self, salon: Salon, turn: _Turn, booking_id: str, start: datetime) -> str:
        customer_id = turn.thread.customer_id or ""
        try:
            view = await self._manage.reschedule(ByCustomer(booking_id, customer_id), start, None)
        except SlotUnavailable as exc:
            return self._taken(salon, turn, exc)
        except DomainError as exc:
            turn.state = None
            turn.say(f"Sorry, I could not move it: {exc}")
            return "reschedule refused"
        turn.state = None
        turn.say(
            f"Done: moved to {local_time(view.booking.start, salon)}.",
            _manage_replies(booking_id),
        )
        return f"rescheduled {booking_id}"

    async def _manage_step(self, salon: Salon, turn: _Turn, action: str, booking_id: str) -> str:
        customer_id = turn.thread.customer_id
        async with self._uow() as uow:
            booking = await uow.bookings.get(booking_id)
        if booking is None or customer_id is None or booking.customer_id != customer_id:
            turn.say("I can't find that booking for you.")
            return "unknown booking"
        if action == RESCHEDULE:
            turn.state = {"service": booking.service_id, "reschedule": booking.id}
            return await self._offer_days(salon, turn)
        if action == CANCEL:
            turn.say(
                f"Cancel your appointment on {local_time(booking.start, salon)}?",
                (
                    Reply("Yes, cancel", manage_payload("CANCEL_YES", booking.id)),
                    Reply("Keep it", "KEEP"),
                ),
            )
            return "asked to confirm cancel"
        if action == "CANCEL_YES":
            try:
                await self._manage.cancel(ByCustomer(booking.id, customer_id))
            except DomainError as exc:
                turn.say(f"Sorry, it can't be cancelled here: {exc}")
                return "cancel refused"
            turn.say("Cancelled. We hope to see you another time.", (Reply("Book", BOOK),))
            return f"cancelled {booking.id}"
        return "unknown action"


def _manages(said: Said, thread: Contact) -> bool:
    """Managing an existing booking: its quick replies, or picking its new time."""
    kind = (said.payload or "").partition(":")[0]
    state = thread.assistant_state or {}
    ours = bool(state.get("reschedule") or state.get("offer"))  # a booking change, or our offer
    return kind == "MANAGE" or (kind in ("DAY", "TIME") and ours)


def _time_replies(slots: Sequence[Slot], salon: Salon) -> list[Reply]:
    return [
        Reply(s.start.astimezone(salon.zone).strftime("%a %H:%M"), f"TIME:{s.start.isoformat()}")
        for s in slots[:MAX_CHOICES]
    ]


def _manage_replies(booking_id: str) -> tuple[Reply, ...]:
    return (
        Reply("Reschedule", manage_payload(RESCHEDULE, booking_id)),
        Reply("Cancel", manage_payload(CANCEL, booking_id)),
    )
