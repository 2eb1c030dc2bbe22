from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from domain.messaging import Channel


@dataclass(frozen=True, slots=True)
class Reply:
    """A quick reply under a Messenger/Instagram message."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message, addressed for its channel.

    Messenger/Instagram/Utility: `to` is the PSID/IGSID, `page_id`/`page_token` the salon's
    Page (the token opened from the vault just for this send). WhatsApp/SMS: `to` is E.164.
    `response`: an answer to the customer's own message (messaging_type RESPONSE) rather than
    an update we start (UPDATE). `utility_template`/`utility_values`: the Utility Message.
    """

    channel: Channel
    to: str
    text: str
    key: str  # whose quota and circuit breaker the call counts against (the salon id)
    page_id: str | None = None
    page_token: str | None = field(default=None, repr=False)
    response: bool = False
    quick_replies: Sequence[Reply] = ()
    metadata: str | None = None
    utility_template: str | None = None
    utility_values: Sequence[str] = ()


class DeliveryFailed(Exception):
    """The channel refused or failed.

    `permanent`: the same message will fail the same way (window closed, recipient gone,
    opted out at the carrier) — record it and stop. Otherwise retry later, not before
    `retry_after` seconds when given (throttling, an open circuit, an outage).
    `opted_out`: the recipient told the carrier STOP (record their withdrawal of consent).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        opted_out: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent, self.retry_after, self.opted_out = permanent, retry_after, opted_out


class CustomerMessenger(Protocol):
    """Sends one message on the channel it names; returns the provider's message id.

    Called only after the message's row is committed and claimed. Raises DeliveryFailed for
    every failure; never sends a sunset message tag.
    """

    async def send(self, message: Outgoing) -> str: ...
