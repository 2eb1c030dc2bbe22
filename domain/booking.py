"""Bookings, customers and the booking lifecycle."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import CancellationWindowPassed, Conflict
from domain.intervals import Interval


class BookingStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def occupies(self) -> bool:
        return self in (BookingStatus.PENDING, BookingStatus.CONFIRMED)


class BookingSource(enum.StrEnum):
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    MESSENGER = "messenger"
    STORY = "story"
    WEB = "web"
    STAFF = "staff"
    GOOGLE = "google"


ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)

# Which status an owner may move a booking to, from each status. Re-activating a finished
# booking would need a fresh overlap check; owners create a new booking instead.
_TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.PENDING: frozenset(
        {
            BookingStatus.CONFIRMED,
            BookingStatus.CANCELLED,
            BookingStatus.COMPLETED,
            BookingStatus.NO_SHOW,
        }
    ),
    BookingStatus.CONFIRMED: frozenset(
        {BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW}
    ),
    BookingStatus.COMPLETED: frozenset({BookingStatus.NO_SHOW}),
    BookingStatus.NO_SHOW: frozenset({BookingStatus.COMPLETED}),
    BookingStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    salon_id: str
    name: str
    phone: str | None  # E.164; None for a customer known only by a Messenger/Instagram id
    email: str | None
    erased_at: datetime | None = None  # data-rights erasure: personal fields are gone


@dataclass(frozen=True, slots=True)
class Booking:
    id: str
    salon_id: str
    service_id: str
    staff_id: str
    customer_id: str
    status: BookingStatus
    source: BookingSource
    start: datetime
    end: datetime  # start + duration
    occupied_until: datetime  # end + buffer after
    created_at: datetime
    manage_token_hash: str
    external_ref: str | None = None  # a Meta-native Page appointment's booking_id

    @property
    def occupied(self) -> Interval:
        return Interval(self.start, self.occupied_until)

    @property
    def active(self) -> bool:
        return self.status.occupies

    def with_status(self, status: BookingStatus) -> Booking:
        """The owner's status change; the same status again is a no-op."""
        if status == self.status:
            return self
        if status not in _TRANSITIONS[self.status]:
            raise Conflict(
                f"A {self.status.value} booking cannot become {status.value}.",
                {"status": self.status.value},
            )
        return replace(self, status=status)

    def ensure_customer_may_change(self, now: datetime, window_hours: int) -> None:
        """Customers may cancel or reschedule until `window_hours` before the start."""
        if not self.active:
            raise Conflict(f"This booking is {self.status.value}.", {"status": self.status.value})
        if now > self.start - timedelta(hours=window_hours):
            raise CancellationWindowPassed(
                f"Changes are possible until {window_hours} hours before the appointment.",
                {"cancellation_window_hours": window_hours},
            )

    def moved(
        self, start: datetime, staff_id: str, duration: timedelta, buffer_after: timedelta
    ) -> Booking:
        return replace(
            self,
            start=start,
            end=start + duration,
            occupied_until=start + duration + buffer_after,
            staff_id=staff_id,
        )
