"""Receiving a Meta webhook: store the verified, parsed delivery and answer.

The inbound adapter (adapters/inbound/webhooks/) has checked the signature on the raw bytes and
split the body into events. Nothing here waits on Meta, Redis or a worker: one short write (the
delivery and its events, each once per dedup key), then the relay is woken after commit.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from application.jobs.wakeup import Wakeup
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.webhook_inbox import StoredDelivery, StoredEvent
from application.security import new_id
from domain.errors import Forbidden
from domain.webhooks import InboundEvent

KEPT_HEADERS = ("content-type", "user-agent", "x-hub-signature-256")


@dataclass(frozen=True, slots=True)
class Receipt:
    events: int  # in the delivery
    stored: int  # new events (the rest were duplicates)


class ReceiveWebhook:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, wakeup: Wakeup, *, verify_token: str
    ) -> None:
        self._uow, self._clock, self._wakeup = uow, clock, wakeup
        self._verify_token = verify_token

    def verify_subscription(
        self, mode: str | None, token: str | None, challenge: str | None
    ) -> str:
        """Meta's verification handshake: the challenge, when the token is ours."""
        ok = (
            mode == "subscribe"
            and token is not None
            and bool(self._verify_token)
            and hmac.compare_digest(token.encode(), self._verify_token.encode())
        )
        if not ok or challenge is None:
            raise Forbidden("The verify token does not match.")
        return challenge

    async def receive(
        self, body: str, events: Sequence[InboundEvent], headers: Mapping[str, str]
    ) -> Receipt:
        """Store a delivery (`body`, its text) once per body, and each new event of it."""
        now = self._clock.now()
        delivery = StoredDelivery(
            id=new_id(),
            received_at=now,
            body=body,
            body_sha256=hashlib.sha256(body.encode()).hexdigest(),
            headers={k: headers[k][:512] for k in KEPT_HEADERS if k in headers},
            event_count=len(events),
        )
        stored = 0
        async with self._uow(write=True) as uow:
            if await uow.webhooks.add_delivery(delivery):
                stored = await uow.webhooks.add_events(  # one statement for the batch
                    [
                        StoredEvent(
                            id=new_id(),
                            delivery_id=delivery.id,
                            received_at=now,
                            event=event,
                            status="pending",
                            reason=None,
                            attempts=0,
                            next_attempt_at=now,
                            processed_at=None,
                            salon_id=None,
                        )
                        for event in events
                    ]
                )
            await uow.commit()
        if stored:
            self._wakeup.notify()
        return Receipt(events=len(events), stored=stored)
