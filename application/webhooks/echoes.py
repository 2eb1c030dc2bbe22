"""Echoes of what the Page sent (`message_echoes`).

A Page-made change to a Meta appointment is applied. An echo of our own message (recognised
by the `metadata` we set: "salonhub:<message id>") confirms that Meta delivered it: a message
whose worker died after Meta accepted it but before recording that is marked sent here, so
it is not sent a second time when its lease runs out. Other echoes are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.webhook_inbox import StoredEvent
from application.webhooks.appointments import MetaAppointments, appointment_of
from application.webhooks.process import Outcome
from domain.messaging import MessageStatus

OURS = "salonhub:"


class Echoes:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, appointments: MetaAppointments
    ) -> None:
        self._uow, self._clock, self._appointments = uow, clock, appointments

    async def __call__(self, event: StoredEvent) -> Outcome:
        if appointment_of(event.event.payload) is not None:
            return await self._appointments(event)
        message = event.event.payload.get("message")
        message = message if isinstance(message, Mapping) else {}
        metadata = message.get("metadata")
        if not (isinstance(metadata, str) and metadata.startswith(OURS)):
            return Outcome("ignored", "an echo of a message the Page sent")
        mid = message.get("mid") if isinstance(message.get("mid"), str) else None
        page = event.event.entry_id or ""
        async with self._uow(write=True) as uow:
            sent = await uow.messages.get(metadata.removeprefix(OURS)[:64])
            holder = await uow.meta.by_page(page) or await uow.meta.by_instagram(page)
            if (
                sent is None
                or holder is None
                or sent.salon_id != holder.salon_id  # only the salon's own Page speaks for it
                or sent.status is not MessageStatus.SENDING  # sent, or never handed to Meta
            ):
                return Outcome("ignored", "an echo of our own message")
            await uow.messages.settle(
                replace(
                    sent,
                    status=MessageStatus.SENT,
                    provider_id=sent.provider_id or mid,
                    sent_at=sent.sent_at or self._clock.now(),
                    next_attempt_at=None,
                    error=None,
                )
            )
            await uow.commit()
        return Outcome("processed", f"message {sent.id} confirmed by Meta's echo", sent.salon_id)
