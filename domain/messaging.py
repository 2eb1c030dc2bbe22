"""Messages to customers: what they are for, by which channel they may go, and why.

META.md's rules: a DM only inside the 24-hour window that the customer's own message or tap
opens; outside it a Utility Message where Meta allows them (US, VN, TH, PH, Messenger only);
else WhatsApp/SMS to the phone; never a sunset tag. A customer who opted out of a channel gets
nothing there except direct replies to what they asked.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

WINDOW = timedelta(hours=24)
UTILITY_MARKETS = frozenset({"US", "VN", "TH", "PH"})


class Channel(enum.StrEnum):
    MESSENGER = "messenger"
    INSTAGRAM = "instagram"
    UTILITY = "utility"  # a Messenger Utility Message (template), outside the window
    WHATSAPP = "whatsapp"
    SMS = "sms"

    @property
    def direct(self) -> bool:
        return self in (Channel.MESSENGER, Channel.INSTAGRAM)


class Purpose(enum.StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER_24H = "reminder_24h"
    REMINDER_2H = "reminder_2h"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    SLOT_TAKEN = "slot_taken"  # a Meta-native appointment could not be placed
    REPLY = "reply"  # the assistant answering the customer in the thread

    @property
    def is_reply(self) -> bool:
        """Sent because the customer just asked: only to the thread they wrote in."""
        return self in (Purpose.REPLY, Purpose.CONFIRMATION, Purpose.SLOT_TAKEN)


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker (next_attempt_at is the lease's end)
    SENT = "sent"
    FAILED = "failed"  # gave up: permanent refusal or too many attempts
    DROPPED = "dropped"  # no longer useful (the appointment has started)
    SKIPPED = "skipped"  # no channel may carry it (recorded with the reason)


REMINDERS: Mapping[Purpose, timedelta] = {
    Purpose.REMINDER_24H: timedelta(hours=24),
    Purpose.REMINDER_2H: timedelta(hours=2),
}


@dataclass(frozen=True, slots=True)
class Contact:
    """A customer's page-scoped id on Messenger (PSID) or Instagram (IGSID) for one salon."""

    id: str
    salon_id: str
    customer_id: str | None
    platform: Channel  # MESSENGER or INSTAGRAM
    page_id: str  # the Page (Messenger) or Instagram account the id is scoped to
    scoped_id: str
    last_inbound_at: datetime | None
    created_at: datetime
    assistant_state: Mapping[str, Any] | None = None
    assistant_expires_at: datetime | None = None

    def window_open(self, now: datetime) -> bool:
        return self.last_inbound_at is not None and now - self.last_inbound_at < WINDOW


@dataclass(frozen=True, slots=True)
class Consent:
    customer_id: str
    channel: Channel
    granted: bool
    source: str  # e.g. "messenger_link", "keyword_stop", "carrier_stop"
    at: datetime


def opted_out(history: Sequence[Consent]) -> set[Channel]:
    """The channels a customer has opted out of: the last word per channel wins (`history`
    oldest first)."""
    latest: dict[Channel, bool] = {}
    for consent in history:
        latest[consent.channel] = consent.granted
    return {channel for channel, granted in latest.items() if not granted}


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    id: str
    salon_id: str
    customer_id: str | None
    booking_id: str | None
    purpose: Purpose
    dedup_key: str  # unique: the same message is never queued twice
    status: MessageStatus
    details: Mapping[str, Any]  # what it is about (e.g. the thread to answer, quick replies)
    attempts: int
    created_at: datetime
    channel: Channel | None = None
    reason: str | None = None
    body: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    not_after: datetime | None = None
    provider_id: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Route:
    channel: Channel | None  # None: nothing may carry it
    reason: str
    contact: Contact | None = None


def choose_route(
    purpose: Purpose,
    now: datetime,
    *,
    contacts: Sequence[Contact],
    opted_out: Collection[Channel],
    market: str,
    phone: str | None,
    text_channel: Channel,
    meta_connected: bool,
    thread: Contact | None = None,
) -> Route:
    """The channel for one message, with the reason kept in the message log.

    `thread`: the conversation the customer just wrote in (replies go there and nowhere else).
    """
    if purpose.is_reply:
        if thread is None:
            return Route(None, "a reply needs the customer's thread")
        if not meta_connected:
            return Route(None, "the salon's Facebook connection is off")
        if not thread.window_open(now):
            return Route(None, "the 24-hour window of the thread has closed")
        return Route(thread.platform, "a reply inside the 24-hour window", thread)
    if meta_connected:
        open_ = [c for c in contacts if c.window_open(now) and c.platform not in opted_out]
        if open_:
            best = max(open_, key=lambda c: (c.last_inbound_at, c.id))
            hours = (now - (best.last_inbound_at or now)).total_seconds() / 3600
            return Route(
                best.platform,
                f"{best.platform.value} window open (last message {hours:.1f} h ago)",
                best,
            )
        utility = [
            c
            for c in contacts
            if c.platform is Channel.MESSENGER
            and Channel.MESSENGER not in opted_out
            and Channel.UTILITY not in opted_out
        ]
        if utility and market in UTILITY_MARKETS:
            best = max(utility, key=lambda c: (c.last_inbound_at or c.created_at, c.id))
            return Route(
                Channel.UTILITY,
                f"outside the 24-hour window; Utility Messages are allowed in {market}",
                best,
            )
    why = (
        "no open Messenger/Instagram window"
        if meta_connected
        else "the salon's Facebook connection is off"
    )
    if contacts and meta_connected and market not in UTILITY_MARKETS:
        why += f"; Utility Messages are not available in {market}"
    if phone is None:
        return Route(None, f"{why}; no phone number")
    if text_channel in opted_out:
        return Route(None, f"{why}; the customer opted out of {text_channel.value}")
    return Route(text_channel, f"{why}; sent by {text_channel.value}")


def reminder_due(purpose: Purpose, start: datetime, created_at: datetime) -> datetime | None:
    """When a reminder of a booking is due; None when the booking was made after that."""
    due = start - REMINDERS[purpose]
    return due if created_at < due else None


def reminder_useful_until(purpose: Purpose, start: datetime) -> datetime:
    """A 24-hour reminder stops making sense once the 2-hour one is due; a 2-hour one at
    the start."""
    if purpose is Purpose.REMINDER_24H:
        return start - REMINDERS[Purpose.REMINDER_2H]
    return start
