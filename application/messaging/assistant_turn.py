"""One turn of the booking assistant: what the customer sent, and the replies it produces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from application.messaging.conversation import Conversation
from application.messaging.payloads import (
    BOOK,
    CANCEL,
    RESCHEDULE,
    ChooseTime,
    Manage,
    Payload,
    decode,
    encode,
)
from application.ports.customer_messenger import Reply
from domain.availability import Slot
from domain.messaging import Contact
from domain.salon import Salon

MAX_CHOICES = 10  # quick replies per message (Meta allows 13)
BOOK_REPLY = Reply("Book", BOOK)


@dataclass(frozen=True, slots=True)
class Said:
    """What the customer sent: a quick reply / postback payload, or free text."""

    payload: str | None
    text: str | None
    event_id: str  # makes each reply once per event

    @property
    def decoded(self) -> Payload | None:
        return decode(self.payload)


@dataclass
class Turn:
    """The replies one customer message produces (queued keyed by the event and position),
    and the conversation as it stands after it (empty: over)."""

    said: Said
    thread: Contact
    state: Conversation
    replies: list[tuple[str, Sequence[Reply]]] = field(default_factory=list)

    def say(self, text: str, replies: Sequence[Reply] = ()) -> None:
        self.replies.append((text, replies))


def time_replies(slots: Sequence[Slot], salon: Salon) -> list[Reply]:
    return [
        Reply(s.start.astimezone(salon.zone).strftime("%a %H:%M"), encode(ChooseTime.of(s.start)))
        for s in slots[:MAX_CHOICES]
    ]


def manage_replies(booking_id: str) -> tuple[Reply, ...]:
    return (
        Reply("Reschedule", encode(Manage(RESCHEDULE, booking_id))),
        Reply("Cancel", encode(Manage(CANCEL, booking_id))),
    )
