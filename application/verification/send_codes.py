"""The OTP outbox worker: texts the codes `PhoneVerification.start` wrote, after its commit.

Each delivery is taken (removed) atomically before it is sent, so racing workers text a code
once. A transient failure puts it back with a short delay (the domain's `after_failed_send`
rule); a permanent one, or one that would arrive after the code expired, is dropped and logged:
the customer asks for a new code.
"""

from __future__ import annotations

import logging

from application.ports.clock import Clock
from application.ports.otp_sender import OtpSender
from application.ports.text_messages import TextMessageError
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.otp import OtpDelivery

log = logging.getLogger(__name__)


class SendOtpCodes:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, sender: OtpSender) -> None:
        self._uow, self._clock, self._sender = uow, clock, sender

    async def due_ids(self, limit: int = 500) -> list[str]:
        async with self._uow() as uow:
            return await uow.otp.due_deliveries(self._clock.now(), limit)

    async def send(self, delivery_id: str) -> str:
        """'sent', 'retry', 'dropped', or 'gone' (taken by another worker or not due)."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            delivery = await uow.otp.take_delivery(delivery_id, now)
            await uow.commit()
        if delivery is None:
            return "gone"
        if now >= delivery.expires_at:
            log.info("dropped an expired verification code for salon %s", delivery.salon_id)
            return "dropped"
        try:
            await self._sender.send(delivery.salon_id, delivery.phone, delivery.code)
        except TextMessageError as error:
            return await self._failed(delivery, permanent=error.permanent)
        except Exception:
            await self._failed(delivery, permanent=False)
            raise
        return "sent"

    async def _failed(self, delivery: OtpDelivery, *, permanent: bool) -> str:
        retry = None if permanent else delivery.after_failed_send(self._clock.now())
        if retry is None:
            log.warning(
                "a verification code for salon %s was not delivered (attempt %d)",
                delivery.salon_id,
                delivery.attempts + 1,
            )
            return "dropped"
        async with self._uow(write=True) as uow:
            await uow.otp.add_delivery(retry)
            await uow.commit()
        return "retry"
