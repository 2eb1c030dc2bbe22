"""Messenger and Instagram conversations: referrals from our m.me / ig.me links, messages,
quick replies and postbacks.

Every customer event first records the thread (PSID/IGSID for the salon whose Page or
Instagram account got it) and moves its 24-hour window. A referral carrying our signed booking
ref links the thread to the booking's customer, records their consent to DMs on that channel,
and queues the confirmation into the thread. STOP/START withdraw or give consent. Everything
else goes to the assistant. Handlers are idempotent: the contact upsert, the consent check and
the message keys make a second run add nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from application.messaging.assistant import Assistant, Said
from application.messaging.queue import queue_booking_message, queue_reply
from application.messaging.refs import LINK, BookingRefs
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.ports.webhook_inbox import StoredEvent
from application.security import new_id
from application.webhooks.process import Outcome
from domain.messaging import Channel, Consent, Contact, Purpose
from domain.meta import IntegrationStatus
from domain.salon import Salon

STOP_WORDS = frozenset({"stop", "unsubscribe", "stop all", "opt out"})
START_WORDS = frozenset({"start", "subscribe", "unstop"})


@dataclass(frozen=True, slots=True)
class Thread:
    salon: Salon
    contact: Contact


def event_time(event: StoredEvent, now: datetime) -> datetime:
    ms = event.event.timestamp_ms
    at = datetime.fromtimestamp(ms / 1000, UTC) if ms else now
    return min(at, now)


def _inner(item: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = item.get(field)
    return value if isinstance(value, Mapping) else {}


def referral_ref(item: Mapping[str, Any]) -> str | None:
    for holder in (item, _inner(item, "message"), _inner(item, "postback")):
        ref = _inner(holder, "referral").get("ref")
        if isinstance(ref, str) and ref:
            return ref
    return None


async def latest_consent(uow: UnitOfWork, customer_id: str, channel: Channel) -> bool | None:
    history = [c for c in await uow.contacts.consents(customer_id) if c.channel is channel]
    return history[-1].granted if history else None


class Conversations:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, refs: BookingRefs, assistant: Assistant
    ) -> None:
        self._uow, self._clock, self._refs, self._assistant = uow, clock, refs, assistant

    async def thread(self, event: StoredEvent, *, inbound: bool = True) -> Thread | None:
        """The salon and the customer's thread; None when no connected salon owns the Page.
        `inbound=False` (the Page acted, e.g. an echo): the 24-hour window does not move."""
        e = event.event
        if e.entry_id is None or e.sender_id is None or e.sender_id == e.entry_id:
            return None
        platform = Channel.INSTAGRAM if e.object == "instagram" else Channel.MESSENGER
        now = self._clock.now()
        async with self._uow() as uow:  # most events of unknown Pages stop here, unlocked
            if platform is Channel.INSTAGRAM:
                integration = await uow.meta.by_instagram(e.entry_id)
            else:
                integration = await uow.meta.by_page(e.entry_id)
            if integration is None or integration.status is not IntegrationStatus.ACTIVE:
                return None
            salon = await uow.salons.get(integration.salon_id)
        if salon is None:
            return None
        async with self._uow(write=True) as uow:
            contact = await uow.contacts.touch(
                Contact(
                    id=new_id(),
                    salon_id=salon.id,
                    customer_id=None,
                    platform=platform,
                    page_id=e.entry_id,
                    scoped_id=e.sender_id,
                    last_inbound_at=event_time(event, now) if inbound else None,
                    created_at=now,
                )
            )
            await uow.commit()
        return Thread(salon, contact)

    async def referral(self, event: StoredEvent) -> Outcome:
        thread = await self.thread(event)
        if thread is None:
            return Outcome("ignored", "no connected salon has this Page or Instagram account")
        linked = await self._link(event, thread)
        return Outcome("processed", linked or "thread opened (no booking ref)", thread.salon.id)

    async def _link(self, event: StoredEvent, thread: Thread) -> str | None:
        ref = referral_ref(event.event.payload)
        claims = self._refs.verify(ref, self._clock.now(), LINK) if ref else None
        if claims is None:
            return None
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            booking = await uow.bookings.get(claims.booking_id)
            if booking is None or booking.salon_id != thread.salon.id:
                return None
            contact = thread.contact
            if contact.customer_id != booking.customer_id:
                await uow.contacts.link(contact.id, booking.customer_id)
            if await latest_consent(uow, booking.customer_id, contact.platform) is not True:
                await uow.contacts.add_consent(
                    booking.salon_id,
                    Consent(booking.customer_id, contact.platform, True, "booking_link", now),
                )
            await queue_booking_message(uow, Purpose.CONFIRMATION, booking, now, thread=contact)
            await uow.commit()
        return f"linked to booking {booking.id}; confirmation queued"

    async def message(self, event: StoredEvent) -> Outcome:
        thread = await self.thread(event)
        if thread is None:
            return Outcome("ignored", "no connected salon has this Page or Instagram account")
        linked = await self._link(event, thread) if referral_ref(event.event.payload) else None
        message = _inner(event.event.payload, "message")
        text = message.get("text") if isinstance(message.get("text"), str) else None
        payload = _inner(message, "quick_reply").get("payload")
        said = Said(payload if isinstance(payload, str) else None, text, event.id)
        words = (text or "").strip().lower()
        if said.payload is None and (words in STOP_WORDS or words in START_WORDS):
            return await self._consent(event, thread, granted=words in START_WORDS)
        return await self._converse(thread, said, linked)

    async def postback(self, event: StoredEvent) -> Outcome:
        thread = await self.thread(event)
        if thread is None:
            return Outcome("ignored", "no connected salon has this Page or Instagram account")
        linked = await self._link(event, thread) if referral_ref(event.event.payload) else None
        payload = _inner(event.event.payload, "postback").get("payload")
        said = Said(payload if isinstance(payload, str) else "", None, event.id)
        return await self._converse(thread, said, linked)

    async def _converse(self, thread: Thread, said: Said, linked: str | None) -> Outcome:
        async with self._uow() as uow:  # the link above may have changed the contact
            contact = await uow.contacts.get(
                thread.salon.id, thread.contact.platform, thread.contact.scoped_id
            )
        answered = await self._assistant.handle(thread.salon, contact or thread.contact, said)
        parts = [p for p in (linked, answered) if p]
        return Outcome(
            "processed", "; ".join(parts) or "window opened; nothing to answer", thread.salon.id
        )

    async def _consent(self, event: StoredEvent, thread: Thread, *, granted: bool) -> Outcome:
        now = self._clock.now()
        contact = thread.contact
        async with self._uow(write=True) as uow:
            if contact.customer_id is not None and (
                await latest_consent(uow, contact.customer_id, contact.platform) is not granted
            ):
                source = "keyword_start" if granted else "keyword_stop"
                await uow.contacts.add_consent(
                    contact.salon_id,
                    Consent(contact.customer_id, contact.platform, granted, source, now),
                )
            text = (
                f"You'll get booking updates from {thread.salon.name} here again."
                if granted
                else f"Done: {thread.salon.name} won't message you here. Send START to undo."
            )
            await queue_reply(uow, contact, text, now, key=f"reply:{event.id}:0")
            await uow.commit()
        verb = "given" if granted else "withdrawn"
        return Outcome("processed", f"consent {verb} on {contact.platform.value}", contact.salon_id)
