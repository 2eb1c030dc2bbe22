"""Messaging routes: the salon's message log (what was sent to whom, by which channel and
why) and a booking's "Get my confirmation on Messenger / Instagram" links."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import Provide
from litestar.params import QueryParameter

from application.actor import Actor
from application.use_cases import UseCases
from domain.messaging import OutboundMessage, Purpose

from .dependencies import provide_actor

# API.md's `kind` for each purpose (`purpose` keeps the finer distinction).
KIND_OF_PURPOSE = {
    Purpose.CONFIRMATION: "confirmation",
    Purpose.REMINDER_24H: "reminder_24h",
    Purpose.REMINDER_2H: "reminder_2h",
    Purpose.RESCHEDULED: "change",
    Purpose.CANCELLED: "change",
    Purpose.SLOT_TAKEN: "assistant",
    Purpose.REPLY: "assistant",
}


class MessageOut(msgspec.Struct, kw_only=True):
    id: str
    booking_id: str | None
    customer_id: str | None
    kind: str  # confirmation | reminder_24h | reminder_2h | change | otp | assistant
    purpose: str
    status: str  # queued | sending | sent | failed | dropped | skipped
    channel: str | None  # messenger | instagram | utility | whatsapp | sms
    reason: str | None  # why that channel (or why none)
    error: str | None
    body: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None


class MessagesOut(msgspec.Struct, kw_only=True):
    items: list[MessageOut]


class ConfirmationLinksOut(msgspec.Struct, kw_only=True):
    messenger: str | None
    instagram: str | None


def message_out(m: OutboundMessage) -> MessageOut:
    return MessageOut(
        id=m.id,
        booking_id=m.booking_id,
        customer_id=m.customer_id,
        kind=KIND_OF_PURPOSE[m.purpose],
        purpose=m.purpose.value,
        status=m.status.value,
        channel=m.channel.value if m.channel else None,
        reason=m.reason,
        error=m.error,
        body=m.body,
        attempts=m.attempts,
        created_at=m.created_at,
        sent_at=m.sent_at,
        next_attempt_at=m.next_attempt_at,
    )


class MessageLogController(Controller):
    path = "/api/salons/{salon_id:str}/messages"
    tags = ["messaging"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("")
    async def list_messages(
        self,
        salon_id: str,
        actor: Actor,
        use_cases: UseCases,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        booking_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> MessagesOut:
        """Newest first."""
        found = await use_cases.messaging.log(actor, salon_id, limit, booking_id)
        return MessagesOut(items=[message_out(m) for m in found])


class ConfirmationLinksController(Controller):
    path = "/api/book/manage/{token:str}/messenger-links"
    tags = ["messaging"]

    @get("")
    async def links(self, token: str, use_cases: UseCases) -> ConfirmationLinksOut:
        """m.me / ig.me links with a signed booking ref: following one sends the booking's
        confirmation into that chat. Both null when the salon has no active connection."""
        links = await use_cases.messaging.confirmation_links(token)
        return ConfirmationLinksOut(messenger=links.messenger, instagram=links.instagram)
