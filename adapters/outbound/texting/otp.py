"""TextOtpSender: the OtpSender port as a text message (SMS or WhatsApp)."""

from __future__ import annotations

import logging

from application.ports.otp_sender import OtpSender
from application.ports.text_messages import SMS, TextMessageSender
from domain.otp import CODE_TTL

log = logging.getLogger(__name__)

_MINUTES = int(CODE_TTL.total_seconds() // 60)


def otp_text(code: str) -> str:
    return f"Your SalonHub verification code is {code}. It expires in {_MINUTES} minutes."


class TextOtpSender(OtpSender):
    """Texts the code to the phone on `channel`; a TextMessageError propagates to the caller,
    which knows whether to retry (`permanent`) and what to tell the customer."""

    def __init__(self, sender: TextMessageSender, channel: str = SMS) -> None:
        self._sender, self._channel = sender, channel

    async def send(self, salon_id: str, phone: str, code: str) -> None:
        receipt = await self._sender.send(self._channel, phone, otp_text(code))
        log.info(
            "sent a verification code for salon %s by %s (%s)",
            salon_id,
            self._channel,
            receipt.provider_id,
        )
