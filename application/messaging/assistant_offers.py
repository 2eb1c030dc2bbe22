"""The assistant's offers, from live availability: services, then days, then times (and the
nearest free times when the one picked was just taken)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from application.booking.slots import Occupancy, offered_slots, qualified
from application.messaging.assistant_turn import (
    BOOK_REPLY,
    MAX_CHOICES,
    Turn,
    time_replies,
)
from application.messaging.conversation import Conversation, Step
from application.messaging.payloads import ChooseDay, ChooseService, encode
from application.ports.clock import Clock
from application.ports.customer_messenger import Reply
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.availability import Slot
from domain.errors import SlotUnavailable
from domain.salon import Salon

DAYS_AHEAD = 14


class Offers:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def services(self, salon: Salon, turn: Turn) -> str:
        async with self._uow() as uow:
            services = [s for s in await uow.catalog.services(salon.id) if s.active]
        if not services:
            turn.say(f"{salon.name} has no services to book online yet.")
            return "no services"
        turn.state = Conversation(step=Step.SERVICE)
        turn.say(
            "What would you like to book?",
            [Reply(s.name[:20], encode(ChooseService(s.id))) for s in services[:MAX_CHOICES]],
        )
        return "offered services"

    async def slots(self, salon: Salon, turn: Turn, first: date, days: int) -> list[Slot]:
        """Free starts of the conversation's service from `first`, for `days` days."""
        state = turn.state
        now = self._clock.now()
        async with self._uow() as uow:
            service = await uow.catalog.get_service(str(state.service))
            if service is None or service.salon_id != salon.id:
                return []
            staff = qualified(await uow.catalog.staff(salon.id), service)
            return await offered_slots(
                uow,
                salon,
                Occupancy.of(service),
                [s.id for s in staff],
                first,
                days,
                now,
                state.reschedule or None,
            )

    async def days(self, salon: Salon, turn: Turn) -> str:
        today = self._clock.now().astimezone(salon.zone).date()
        slots = await self.slots(salon, turn, today, DAYS_AHEAD)
        days: list[date] = []
        for slot in slots:
            day = slot.start.astimezone(salon.zone).date()
            if day not in days:
                days.append(day)
        if not days:
            turn.state = Conversation()
            turn.say("Sorry, there are no free times in the next two weeks.", [BOOK_REPLY])
            return "no days"
        turn.state = replace(turn.state, step=Step.DAY)
        turn.say(
            "Which day suits you?",
            [Reply(d.strftime("%a %d %b"), encode(ChooseDay.of(d))) for d in days[:MAX_CHOICES]],
        )
        return "offered days"

    async def times(self, salon: Salon, turn: Turn, prefix: str = "") -> str:
        try:
            day = date.fromisoformat(str(turn.state.day))
        except ValueError:
            return await self.days(salon, turn)
        slots = await self.slots(salon, turn, day, 1)
        if not slots:
            turn.say(f"{prefix}That day is now full.".strip())
            return await self.days(salon, turn)
        turn.state = replace(turn.state, step=Step.TIME)
        turn.say(f"{prefix}Pick a time:".strip(), time_replies(slots, salon))
        return "offered times"

    def taken(self, salon: Salon, turn: Turn, exc: SlotUnavailable) -> str:
        options = [a for a in exc.alternatives if isinstance(a, Slot)]
        if not options:
            turn.state = Conversation()
            turn.say("Sorry, that time was just taken and nothing close is free.", [BOOK_REPLY])
            return "slot taken, no alternatives"
        turn.state = replace(turn.state, step=Step.TIME)
        turn.say("Sorry, that time was just taken. These are free:", time_replies(options, salon))
        return "slot taken, alternatives offered"
