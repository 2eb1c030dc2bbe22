"""The words of each message, from the booking as it is when the message goes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.messaging.payloads import CANCEL, RESCHEDULE, Manage, encode
from application.messaging.refs import MANAGE, BookingRefs
from application.ports.customer_messenger import Reply
from domain.booking import Booking, Customer
from domain.catalog import Service, Staff
from domain.messaging import Purpose
from domain.salon import Salon

MANAGE_LINK_GRACE = timedelta(days=1)  # a manage link works until a day after the start


@dataclass(frozen=True, slots=True)
class Composed:
    text: str
    quick_replies: Sequence[Reply]
    utility_template: str
    utility_values: Sequence[str]


@dataclass(frozen=True, slots=True)
class BookingFacts:
    booking: Booking
    customer: Customer
    salon: Salon
    service: Service | None
    staff: Staff | None


def local_time(instant: datetime, salon: Salon) -> str:
    return instant.astimezone(salon.zone).strftime("%a %d %b, %H:%M")


class Composer:
    def __init__(self, refs: BookingRefs, public_url: str) -> None:
        self._refs, self._public_url = refs, public_url.rstrip("/")

    def manage_link(self, booking: Booking) -> str:
        token = self._refs.sign(MANAGE, booking.id, booking.start + MANAGE_LINK_GRACE)
        return f"{self._public_url}/book/manage/{token}"

    def compose(self, purpose: Purpose, facts: BookingFacts) -> Composed:
        b, salon = facts.booking, facts.salon
        service = facts.service.name if facts.service else "your appointment"
        staff = f" with {facts.staff.name}" if facts.staff else ""
        when = local_time(b.start, salon)
        link = self.manage_link(b)
        manage = (
            Reply("Reschedule", encode(Manage(RESCHEDULE, b.id))),
            Reply("Cancel", encode(Manage(CANCEL, b.id))),
        )
        values = (facts.customer.name, salon.name, service, when, link)
        match purpose:
            case Purpose.CONFIRMATION:
                text = (
                    f"You're booked at {salon.name}: {service}{staff}, {when}. "
                    f"See or change it: {link}"
                )
                return Composed(text, manage, "appointment_confirmation", values)
            case Purpose.REMINDER_24H | Purpose.REMINDER_2H:
                day = "tomorrow" if purpose is Purpose.REMINDER_24H else "today"
                text = (
                    f"Reminder: {service}{staff} at {salon.name} {day}, {when}. "
                    f"Need to change it? {link}"
                )
                return Composed(text, manage, "appointment_reminder", values)
            case Purpose.RESCHEDULED:
                text = f"{salon.name} moved your {service}{staff} to {when}. Details: {link}"
                return Composed(text, manage, "appointment_update", values)
            case Purpose.CANCELLED:
                again = f"{self._public_url}/book/{salon.slug}"
                text = (
                    f"Your {service}{staff} at {salon.name} on {when} is cancelled. "
                    f"Book again any time: {again}"
                )
                return Composed(text, (), "appointment_cancellation", values)
        raise ValueError(f"{purpose} is not a booking message")
