"""What the messaging contract suites see of each adapter: the adapter, and what reached the
recipient's side (the provider's sandbox over real HTTP, or the adapter's own log).

Built by the fixtures in conftest.py; the test modules use only these types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from application.ports.customer_messenger import CustomerMessenger
from application.ports.otp_sender import OtpSender
from application.ports.text_messages import TextMessageSender
from domain.messaging import Channel


@dataclass(frozen=True, slots=True)
class Delivered:
    """One message as the recipient's side holds it."""

    channel: Channel
    to: str
    text: str | None  # None: a Utility Message (a template) carries no free text
    quick_replies: tuple[str, ...]  # their payloads
    provider_id: str | None  # the id the recipient's side gave it (None: it keeps none)
    tag: str | None = None  # the message tag it was sent with


@dataclass(frozen=True, slots=True)
class Addresses:
    """Where the customer can be reached: their ids on the salon's Page and Instagram account,
    and their phone."""

    page_id: str
    page_token: str
    psid: str
    igsid: str
    phone: str


@dataclass
class MessengerCase:
    name: str
    messenger: CustomerMessenger
    delivered: Callable[[], list[Delivered]]
    to: Addresses
    open_window: Callable[[], None]  # the customer writes to the Page (opens 24 hours)


@dataclass
class RefusingMessengerCase(MessengerCase):
    """An adapter that reaches real providers, so they can fail it on purpose."""

    meta_outage: Callable[[], None]  # Meta answers 503 from now on
    text_outage: Callable[[], None]  # the text provider answers 503 once
    carrier_stop: Callable[[str], None]  # the phone replied STOP to the text provider


@dataclass
class TextCase:
    name: str
    sender: TextMessageSender
    delivered: Callable[[], list[tuple[str, str, str, str]]]  # (channel, to, body, provider id)
    outage: Callable[[], None]  # the next send fails transiently
    carrier_stop: Callable[[str], None]  # the phone replied STOP to the provider


@dataclass(frozen=True, slots=True)
class OtpCase:
    """An OtpSender and the codes that reached a phone (the phone's inbox), oldest first."""

    name: str
    sender: OtpSender
    received: Callable[[str, str], Awaitable[list[str]]]  # (salon id, phone) -> codes
    outage: Callable[[], None] | None  # the next send fails transiently; None: cannot fail
