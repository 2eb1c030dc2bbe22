"""Queueing reminders 24 h and 2 h before each active booking, each exactly once.

Run every minute by the scheduler (any number of times, by any number of processes): a
reminder is a message row with a unique key per booking, kind and start, so a second run, a
second scheduler or a racing worker adds nothing. A reminder is queued once its time has
come and only for bookings made before that time (a booking made 3 hours ahead gets the 2-hour
reminder, not the 24-hour one); it is dropped unsent once it is no longer useful.
"""

from __future__ import annotations

from datetime import timedelta

from application.messaging.queue import booking_key, queue_booking_message
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.messaging import REMINDERS, reminder_due, reminder_useful_until


class QueueReminders:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def run(self) -> int:
        now = self._clock.now()
        horizon = max(REMINDERS.values()) + timedelta(minutes=1)
        async with self._uow() as uow:
            bookings = await uow.bookings.active_starting_between(now, now + horizon)
        wanted = []
        for booking in bookings:
            for purpose in REMINDERS:
                due = reminder_due(purpose, booking.start, booking.created_at)
                until = reminder_useful_until(purpose, booking.start)
                if due is not None and due <= now < until:
                    wanted.append((purpose, booking, until))
        if not wanted:
            return 0
        queued = 0
        async with self._uow(write=True) as uow:
            have = await uow.messages.existing_keys([booking_key(p, b) for p, b, _ in wanted])
            for purpose, booking, until in wanted:
                if booking_key(purpose, booking) in have:
                    continue
                if await queue_booking_message(uow, purpose, booking, now, not_after=until):
                    queued += 1
            await uow.commit()
        return queued
