"""Queueing a message inside the transaction that makes it necessary (the messaging outbox).

Dedup keys make each message at most one row: a confirmation per booking and thread, a
reminder per booking, kind and start time (a rescheduled booking gets fresh reminders), a
change notice per booking and new time, a reply per webhook event and position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from application.ports.customer_messenger import Reply
from application.ports.unit_of_work import UnitOfWork
from application.security import new_id
from domain.booking import Booking
from domain.messaging import WINDOW, Contact, MessageStatus, OutboundMessage, Purpose


def booking_key(purpose: Purpose, booking: Booking, extra: str = "") -> str:
    if purpose is Purpose.CANCELLED:
        return f"{purpose.value}:{booking.id}"
    if purpose is Purpose.CONFIRMATION:
        return f"{purpose.value}:{booking.id}:{extra}"
    if purpose is Purpose.RESCHEDULED:  # every move is news, even back to an earlier time
        return f"{purpose.value}:{booking.id}:{extra}"
    return f"{purpose.value}:{booking.id}:{int(booking.start.timestamp())}"


async def queue_booking_message(
    uow: UnitOfWork,
    purpose: Purpose,
    booking: Booking,
    now: datetime,
    *,
    thread: Contact | None = None,
    not_after: datetime | None = None,
) -> bool:
    """False when that message was already queued (or sent)."""
    details: dict[str, Any] = thread_details(thread) if thread else {}
    details["start"] = booking.start.isoformat()  # what the message is about (moves drop it)
    if purpose is Purpose.RESCHEDULED:  # only the latest move is worth telling
        for older in await uow.messages.for_salon(booking.salon_id, 50, booking.id):
            if older.purpose is Purpose.RESCHEDULED and older.status is MessageStatus.QUEUED:
                await uow.messages.settle(
                    replace(
                        older,
                        status=MessageStatus.DROPPED,
                        reason="a later move of the booking replaced it",
                        next_attempt_at=None,
                    )
                )
    message_id = new_id()
    extra = thread.id if thread else message_id
    return await uow.messages.add(
        OutboundMessage(
            id=message_id,
            salon_id=booking.salon_id,
            customer_id=booking.customer_id,
            booking_id=booking.id,
            purpose=purpose,
            dedup_key=booking_key(purpose, booking, extra),
            status=MessageStatus.QUEUED,
            details=details,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
            not_after=not_after,
        )
    )


async def queue_reply(
    uow: UnitOfWork,
    thread: Contact,
    text: str,
    now: datetime,
    *,
    key: str,
    purpose: Purpose = Purpose.REPLY,
    quick_replies: Sequence[Reply] = (),
    booking_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> bool:
    """A message to the thread the customer just wrote in; `key` makes it once per cause."""
    details: dict[str, Any] = {
        **thread_details(thread),
        "quick_replies": [{"title": r.title, "payload": r.payload} for r in quick_replies],
        **(extra or {}),
    }
    return await uow.messages.add(
        OutboundMessage(
            id=new_id(),
            salon_id=thread.salon_id,
            customer_id=thread.customer_id,
            booking_id=booking_id,
            purpose=purpose,
            dedup_key=key,
            status=MessageStatus.QUEUED,
            details=details,
            attempts=0,
            created_at=now,
            body=text[:1990],
            next_attempt_at=now,
            not_after=now + thread_window_left(thread, now),
        )
    )


def thread_details(thread: Contact) -> dict[str, Any]:
    """Enough to find the thread again, also for someone not (yet) a customer."""
    return {"thread": thread.id, "platform": thread.platform.value, "scoped_id": thread.scoped_id}


def thread_window_left(thread: Contact, now: datetime) -> timedelta:
    start = thread.last_inbound_at or now
    return max(start + WINDOW - now, timedelta(0))
