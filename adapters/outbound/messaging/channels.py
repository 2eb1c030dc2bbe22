"""CustomerMessenger over the real channels: Meta's Send API (Messenger, Instagram, Utility
Messages) through the MetaGraph adapter, and WhatsApp/SMS through a TextMessageSender.

Failures become DeliveryFailed: Meta's refusals of this message (window closed, no such user,
code 100/10) are permanent; throttling, outages and an open circuit are transient (with
Meta's time to regain access when it gave one); a dead Page token is transient too — the
token check marks the integration and the next attempt routes by SMS instead.
"""

from __future__ import annotations

import logging

from application.meta_errors import (
    MetaBadRequest,
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
)
from application.ports.customer_messenger import CustomerMessenger, DeliveryFailed, Outgoing
from application.ports.meta_graph import MetaGraph, QuickReply
from application.ports.text_messages import SMS, WHATSAPP, TextMessageError, TextMessageSender
from domain.messaging import Channel

log = logging.getLogger(__name__)
CARRIER_OPT_OUT = 21610  # Twilio: the recipient replied STOP


class RoutedCustomerMessenger(CustomerMessenger):
    """Sends each message by the channel it names: Messenger, Instagram and Utility Messages
    through Meta's Send API, WhatsApp and SMS through the text sender (none: refused, permanent).
    """

    def __init__(self, graph: MetaGraph, texts: TextMessageSender | None) -> None:
        self._graph, self._texts = graph, texts

    async def send(self, message: Outgoing) -> str:
        if message.channel in (Channel.SMS, Channel.WHATSAPP):
            return await self._text(message)
        if message.page_id is None or message.page_token is None:
            raise DeliveryFailed("no Page to send from", permanent=True)
        try:
            if message.channel is Channel.UTILITY:
                sent = await self._graph.send_utility(
                    message.page_id,
                    message.page_token,
                    key=message.key,
                    recipient_id=message.to,
                    template=message.utility_template or "appointment_update",
                    language="en_US",
                    values=list(message.utility_values),
                )
            else:
                sent = await self._graph.send_message(
                    message.page_id,
                    message.page_token,
                    key=message.key,
                    recipient_id=message.to,
                    text=message.text,
                    messaging_type="RESPONSE" if message.response else "UPDATE",
                    quick_replies=[QuickReply(r.title, r.payload) for r in message.quick_replies],
                    metadata=message.metadata,
                )
        except MetaRateLimited as exc:
            raise DeliveryFailed(str(exc), permanent=False, retry_after=exc.retry_after) from exc
        except MetaTokenInvalid as exc:
            raise DeliveryFailed(str(exc), permanent=False) from exc
        except (MetaBadRequest, MetaPermissionMissing) as exc:
            raise DeliveryFailed(str(exc), permanent=True) from exc
        except MetaError as exc:  # MetaUnavailable: 5xx, timeouts, circuit open
            raise DeliveryFailed(str(exc), permanent=False) from exc
        return sent.message_id

    async def _text(self, message: Outgoing) -> str:
        if self._texts is None:
            raise DeliveryFailed("no SMS/WhatsApp provider is configured", permanent=True)
        channel = WHATSAPP if message.channel is Channel.WHATSAPP else SMS
        try:
            receipt = await self._texts.send(channel, message.to, message.text)
        except TextMessageError as exc:
            raise DeliveryFailed(
                str(exc), permanent=exc.permanent, opted_out=exc.code == CARRIER_OPT_OUT
            ) from exc
        return receipt.provider_id


class LogCustomerMessenger(CustomerMessenger):
    """Writes each message to the log instead of sending it (SALONHUB_MESSAGING=log): for a
    staging copy that must never reach real customers."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        log.info(
            "message not sent (log channel)",
            extra={"channel": message.channel.value, "chars": len(message.text)},
        )
        return f"log-{len(self.sent)}"
