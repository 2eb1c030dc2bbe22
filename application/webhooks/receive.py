"""Receiving a Meta webhook: verify the signature on the raw bytes, store, answer.

Nothing here waits on Meta, Redis or a worker: one short write (the delivery and its events,
each once per dedup key), then `notify` wakes the processor after commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.webhook_inbox import StoredDelivery, StoredEvent
from application.security import new_id
from domain.errors import BadRequest, Forbidden, Unauthorized
from domain.webhooks import split_delivery

KEPT_HEADERS = ("content-type", "user-agent", "x-hub-signature-256")


def signature_ok(raw: bytes, header: str | None, app_secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`."""
    if not header or not app_secret:
        return False
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given or not given.isascii():
        return False
    expected = hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.strip().lower(), expected)


@dataclass(frozen=True, slots=True)
class Receipt:
    events: int  # in the delivery
    stored: int  # new events (the rest were duplicates)


class ReceiveWebhook:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        app_secret: str,
        verify_token: str,
        notify: Callable[[], None] | None = None,
    ) -> None:
        self._uow, self._clock = uow, clock
        self._secret, self._verify_token = app_secret, verify_token
        self._notify = notify

    def set_notify(self, notify: Callable[[], None]) -> None:
        """Who wakes the processor after a delivery commits (the worker, when it starts)."""
        self._notify = notify

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
        self, raw: bytes, signature: str | None, headers: Mapping[str, str]
    ) -> Receipt:
        if not signature_ok(raw, signature, self._secret):
            raise Unauthorized("Missing or wrong X-Hub-Signature-256.")
        try:
            text = raw.decode("utf-8")
            body = json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BadRequest("The webhook body is not JSON.") from None
        events = split_delivery(body, raw)
        now = self._clock.now()
        delivery = StoredDelivery(
            id=new_id(),
            received_at=now,
            body=text,
            body_sha256=hashlib.sha256(raw).hexdigest(),
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
        if stored and self._notify is not None:
            self._notify()
        return Receipt(events=len(events), stored=stored)
