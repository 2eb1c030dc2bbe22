"""Sending queued messages: claim, choose the channel, compose, send, record why.

A message row is the outbox entry: it was written in the transaction that made it necessary
and is sent after that commit by whichever worker claims it (a lease, so one at a time and a
dead worker's message comes back). Each outcome is recorded on the row: `sent` with channel,
reason and provider id; `skipped` when no channel may carry it; `dropped` once it is no longer
useful; `failed` on a permanent refusal or after `MAX_ATTEMPTS`. Transient failures (Meta
down or throttling, an SMS outage) retry with capped backoff, so messages queue while Meta is
failing and go out when it recovers, within their usefulness.

A worker killed after the provider accepted a message but before the row says `sent` will
send it again when the lease runs out: at-least-once for that instant, exactly-once otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from application.messaging.compose import BookingFacts, Composer
from application.meta.sealed import open_sealed
from application.ports.clock import Clock
from application.ports.customer_messenger import CustomerMessenger, DeliveryFailed, Outgoing, Reply
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.messaging import (
    Channel,
    Consent,
    Contact,
    MessageStatus,
    OutboundMessage,
    Purpose,
    Route,
    choose_route,
)
from domain.meta import IntegrationStatus, MetaIntegration, token_context

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class _Prepared:
    message: OutboundMessage
    route: Route
    outgoing: Outgoing | None
    body: str | None
    unsent: MessageStatus = MessageStatus.SKIPPED  # what it becomes when outgoing is None


def _drop(message: OutboundMessage, reason: str) -> _Prepared:
    return _Prepared(message, Route(None, reason), None, None, MessageStatus.DROPPED)


class SendMessages:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        messenger: CustomerMessenger,
        vault: TokenVault,
        composer: Composer,
        *,
        text_channel: Channel = Channel.SMS,
        lease: timedelta = LEASE,
    ) -> None:
        self._lease = lease
        self._uow, self._clock, self._messenger = uow, clock, messenger
        self._vault, self._composer, self._text = vault, composer, text_channel

    async def due_ids(self, limit: int = 200) -> list[str]:
        async with self._uow() as uow:
            return [m.id for m in await uow.messages.due(self._clock.now(), limit)]

    async def run_due(self, limit: int = 200) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message_id in await self.due_ids(limit):
            outcome = await self.send(message_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    async def send(self, message_id: str) -> str:
        """Send one message if it is still owed; returns what became of it (or "skipped"
        when another worker has it or it is already settled)."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            claimed = await uow.messages.claim(message_id, now, now + self._lease)
            await uow.commit()
        if not claimed:
            return "not_claimed"
        async with self._uow() as uow:
            message = await uow.messages.get(message_id)
        if message is None:  # erased meanwhile (a data deletion): nothing to send
            return "not_claimed"
        try:
            async with self._uow() as uow:
                prepared = await self._prepare(uow, message)
        except Exception as exc:  # a bug or an outage here counts as an attempt, never loops
            log.exception("message could not be prepared", extra={"message_id": message.id})
            unprepared = _Prepared(message, Route(None, "could not be prepared"), None, None)
            failure = DeliveryFailed(f"{type(exc).__name__}: {exc}", permanent=False)
            return await self._failed(unprepared, failure)
        if prepared.outgoing is None:
            return await self._settle(
                replace(
                    message,
                    status=prepared.unsent,
                    reason=prepared.route.reason,
                    channel=prepared.route.channel,
                    next_attempt_at=None,
                )
            )
        try:
            provider_id = await self._messenger.send(prepared.outgoing)
        except DeliveryFailed as exc:
            return await self._failed(prepared, exc)
        return await self._settle(
            replace(
                message,
                status=MessageStatus.SENT,
                channel=prepared.route.channel,
                reason=prepared.route.reason,
                body=prepared.body,
                provider_id=provider_id,
                attempts=message.attempts + 1,
                error=None,
                next_attempt_at=None,
                sent_at=self._clock.now(),
            )
        )

    async def _prepare(self, uow: UnitOfWork, message: OutboundMessage) -> _Prepared:
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
        if message.purpose in (Purpose.REMINDER_24H, Purpose.REMINDER_2H) and (
            booking is None or not booking.active
        ):
            return _drop(message, "the booking is no longer active")
        about = message.details.get("start")
        if (
            message.purpose in (Purpose.REMINDER_24H, Purpose.REMINDER_2H, Purpose.RESCHEDULED)
            and booking is not None
            and isinstance(about, str)
            and about != booking.start.isoformat()
        ):
            return _drop(message, "the booking was moved since; a newer message covers it")
        integration = await uow.meta.get(salon.id)
        connected = integration is not None and integration.status is IntegrationStatus.ACTIVE
        # Only threads of the salon's current Page / Instagram account: PSIDs are page-scoped,
        # so ids from a Page the salon no longer has connected reach nobody.
        current = _current_accounts(integration)
        contacts = [
            c
            for c in (await uow.contacts.for_customer(customer.id) if customer else [])
            if c.page_id in current
        ]
        thread = await _thread(uow, message)
        if thread is not None and thread.page_id not in current:
            thread = None
        route = choose_route(
            message.purpose,
            now,
            contacts=contacts,
            opted_out=(_opted_out(await uow.contacts.consents(customer.id)) if customer else set())
            | _refused(message),
            market=salon.country,
            phone=customer.phone if customer else None,
            text_channel=self._text,
            meta_connected=connected,
            thread=thread,
        )
        if route.channel is None:
            return _Prepared(message, route, None, None)
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
        outgoing = self._address(route, message, integration, phone, text)
        if outgoing is None:
            return _Prepared(message, Route(None, "the Page token cannot be opened"), None, None)
        if route.channel.direct or route.channel is Channel.UTILITY:
            outgoing = replace(
                outgoing,
                quick_replies=replies if route.channel.direct else (),
                response=message.purpose.is_reply,
                metadata=f"salonhub:{message.id}",
                utility_template=template or None,
                utility_values=values,
            )
        return _Prepared(message, route, outgoing, text)

    def _address(
        self,
        route: Route,
        message: OutboundMessage,
        integration: MetaIntegration | None,
        phone: str | None,
        text: str,
    ) -> Outgoing | None:
        if route.channel in (Channel.SMS, Channel.WHATSAPP):
            return None if phone is None else Outgoing(route.channel, phone, text, message.salon_id)
        if route.channel is None or route.contact is None or integration is None:
            return None
        token = open_sealed(
            self._vault,
            integration.page_token_sealed,
            token_context(integration.salon_id, "page_token"),
        )
        if token is None or integration.page is None:
            return None
        return Outgoing(
            route.channel,
            route.contact.scoped_id,
            text,
            key=message.salon_id,
            page_id=integration.page.id,
            page_token=token,
        )

    async def _failed(self, prepared: _Prepared, exc: DeliveryFailed) -> str:
        message, now = prepared.message, self._clock.now()
        attempts = message.attempts + 1
        error = str(exc)[:1000]
        log.warning(
            "message not delivered",
            extra={
                "message_id": message.id,
                "channel": prepared.route.channel,
                "permanent": exc.permanent,
                "attempt": attempts,
            },
        )
        if exc.opted_out and prepared.route.channel is not None and message.customer_id:
            async with self._uow(write=True) as uow:
                await uow.contacts.add_consent(
                    message.salon_id,
                    Consent(
                        message.customer_id, prepared.route.channel, False, "carrier_stop", now
                    ),
                )
                await uow.commit()
        common = {"channel": prepared.route.channel, "reason": prepared.route.reason}
        channel = prepared.route.channel
        if (
            exc.permanent
            and channel is not None
            and (channel.direct or channel is Channel.UTILITY)
            and not message.purpose.is_reply
            and attempts < MAX_ATTEMPTS
        ):
            # Meta refused it (the window closed meanwhile, a stale thread): try the next
            # channel the policy allows, at once.
            refused = sorted({*message.details.get("refused", []), channel.value})
            return await self._settle(
                replace(
                    message,
                    status=MessageStatus.QUEUED,
                    error=error,
                    attempts=attempts,
                    next_attempt_at=now,
                    details={**message.details, "refused": refused},
                    **common,  # type: ignore[arg-type]
                )
            )
        if exc.permanent or attempts >= MAX_ATTEMPTS:
            return await self._settle(
                replace(
                    message,
                    status=MessageStatus.FAILED,
                    error=error,
                    attempts=attempts,
                    next_attempt_at=None,
                    **common,  # type: ignore[arg-type]
                )
            )
        delay = min(BASE_DELAY * 2 ** (attempts - 1), MAX_DELAY)
        if exc.retry_after is not None:
            delay = max(delay, timedelta(seconds=exc.retry_after))
        return await self._settle(
            replace(
                message,
                status=MessageStatus.QUEUED,
                error=error,
                attempts=attempts,
                next_attempt_at=now + delay,
                **common,  # type: ignore[arg-type]
            )
        )

    async def _settle(self, message: OutboundMessage) -> str:
        async with self._uow(write=True) as uow:
            current = await uow.messages.get(message.id)
            if current is not None and current.status is MessageStatus.SENT:
                return "sent"  # Meta's echo said so meanwhile: never undo it (a resend)
            await uow.messages.settle(message)
            await uow.commit()
        return message.status.value


def _current_accounts(integration: MetaIntegration | None) -> set[str]:
    if integration is None or integration.status is not IntegrationStatus.ACTIVE:
        return set()
    ids = {integration.page.id} if integration.page else set()
    if integration.instagram is not None:
        ids.add(integration.instagram.id)
    return ids


async def _thread(uow: UnitOfWork, message: OutboundMessage) -> Contact | None:
    platform, scoped_id = message.details.get("platform"), message.details.get("scoped_id")
    if not isinstance(platform, str) or not isinstance(scoped_id, str):
        return None
    try:
        channel = Channel(platform)
    except ValueError:
        return None
    found = await uow.contacts.get(message.salon_id, channel, scoped_id)
    return found if found is not None and found.id == message.details.get("thread") else None


def _too_late(message: OutboundMessage) -> str:
    if message.purpose in (Purpose.REMINDER_24H, Purpose.REMINDER_2H):
        return "no longer useful: the appointment has started or the next reminder is due"
    return "no longer useful: its time has passed"


def _refused(message: OutboundMessage) -> set[Channel]:
    """Channels Meta already refused for this message (tried next time: the others)."""
    found: set[Channel] = set()
    for value in message.details.get("refused") or []:
        try:
            found.add(Channel(value))
        except ValueError:
            continue
    return found


def _opted_out(history: Sequence[Consent]) -> set[Channel]:
    latest: dict[Channel, bool] = {}
    for consent in history:  # oldest first: the last word per channel wins
        latest[consent.channel] = consent.granted
    return {channel for channel, granted in latest.items() if not granted}
