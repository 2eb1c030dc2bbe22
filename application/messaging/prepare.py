"""Making a claimed message ready to send: still useful? by which channel? with what text?

A message no longer useful (too late, its customer or booking gone, the booking moved since)
is dropped; one no channel may carry is skipped with the reason; otherwise it is routed,
composed (or its queued text taken) and addressed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.messaging.compose import BookingFacts, Composer
from application.messaging.routing import address, route_message
from application.ports.clock import Clock
from application.ports.customer_messenger import Outgoing, Reply
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork
from domain.messaging import Channel, MessageStatus, OutboundMessage, Purpose, Route

_REMINDERS = (Purpose.REMINDER_24H, Purpose.REMINDER_2H)


@dataclass(frozen=True, slots=True)
class Prepared:
    message: OutboundMessage
    route: Route
    outgoing: Outgoing | None
    body: str | None
    unsent: MessageStatus = MessageStatus.SKIPPED  # what it becomes when outgoing is None


def _drop(message: OutboundMessage, reason: str) -> Prepared:
    return Prepared(message, Route(None, reason), None, None, MessageStatus.DROPPED)


class PrepareMessage:
    def __init__(
        self, clock: Clock, vault: TokenVault, composer: Composer, text_channel: Channel
    ) -> None:
        self._clock, self._vault, self._composer, self._text = clock, vault, composer, text_channel

    async def __call__(self, uow: UnitOfWork, message: OutboundMessage) -> Prepared:
        now = self._clock.now()
        if message.not_after is not None and now >= message.not_after:
            return _drop(message, _too_late(message))
        salon = await uow.salons.get(message.salon_id)
        customer = await uow.customers.get(message.customer_id) if message.customer_id else None
        if customer is not None and customer.erased_at is not None:
            return _drop(message, "the customer's data was erased")
        if salon is None or (customer is None and not message.purpose.is_reply):
            return _drop(message, "the customer is gone")
        booking = await uow.bookings.get(message.booking_id) if message.booking_id else None
        if message.purpose in _REMINDERS and (booking is None or not booking.active):
            return _drop(message, "the booking is no longer active")
        about = message.details.get("start")
        if (
            message.purpose in (*_REMINDERS, Purpose.RESCHEDULED)
            and booking is not None
            and isinstance(about, str)
            and about != booking.start.isoformat()
        ):
            return _drop(message, "the booking was moved since; a newer message covers it")
        integration = await uow.meta.get(salon.id)
        route = await route_message(
            uow,
            message,
            now,
            salon=salon,
            customer=customer,
            integration=integration,
            text_channel=self._text,
        )
        if route.channel is None:
            return Prepared(message, route, None, None)
        if message.body is not None or customer is None:  # written when queued (replies)
            text = message.body or ""
            replies = tuple(
                Reply(str(r["title"]), str(r["payload"]))
                for r in message.details.get("quick_replies", [])
            )
            template, values = "", tuple[str, ...]()
        else:
            if booking is None:
                return _drop(message, "the booking is gone")
            facts = BookingFacts(
                booking,
                customer,
                salon,
                await uow.catalog.get_service(booking.service_id),
                await uow.catalog.get_staff(booking.staff_id),
            )
            composed = self._composer.compose(message.purpose, facts)
            text, replies = composed.text, tuple(composed.quick_replies)
            template, values = composed.utility_template, tuple(composed.utility_values)
        phone = customer.phone if customer else None
        outgoing = address(self._vault, route, message, integration, phone, text)
        if outgoing is None:
            return Prepared(message, Route(None, "the Page token cannot be opened"), None, None)
        if route.channel.direct or route.channel is Channel.UTILITY:
            outgoing = replace(
                outgoing,
                quick_replies=replies if route.channel.direct else (),
                response=message.purpose.is_reply,
                metadata=f"salonhub:{message.id}",
                utility_template=template or None,
                utility_values=values,
            )
        return Prepared(message, route, outgoing, text)


def _too_late(message: OutboundMessage) -> str:
    if message.purpose in _REMINDERS:
        return "no longer useful: the appointment has started or the next reminder is due"
    return "no longer useful: its time has passed"
