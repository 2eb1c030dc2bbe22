from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SMS = "sms"
WHATSAPP = "whatsapp"


@dataclass(frozen=True, slots=True)
class TextReceipt:
    provider_id: str  # the provider's message id (Twilio: the SM... / MM... sid)
    status: str  # the provider's status at acceptance (queued, sent, ...)


class TextMessageError(Exception):
    """The provider refused or could not be reached.

    `permanent`: sending the same message again will fail the same way (bad number, opted out
    at the carrier, unverified sender) — record and stop. Otherwise retry later with backoff.
    `code` is the provider's error code when it gave one.
    """

    def __init__(self, message: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.permanent, self.code = permanent, code


class TextMessageSender(Protocol):
    """Sends a text to a phone by SMS or WhatsApp (a Twilio-style HTTP API; a log in tests).

    `channel` is `SMS` or `WHATSAPP`; `to` is E.164. Called only after the message's
    transaction has committed. Returns the provider's receipt or raises TextMessageError;
    never logs the body (it may carry a one-time code).
    """

    async def send(self, channel: str, to: str, body: str) -> TextReceipt: ...
