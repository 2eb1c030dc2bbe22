"""Sending queued messages: claim, prepare (route, compose, address), send, record why.

A message row is the outbox entry: it was written in the transaction that made it necessary
and is sent after that commit by whichever worker claims it (claim.py: a lease, so one at a
time and a dead worker's message comes back). Each outcome is recorded on the row: `sent` with
channel, reason and provider id; `skipped` when no channel may carry it; `dropped` once it is
no longer useful (prepare.py); `failed` on a permanent refusal or after too many attempts
(retry.py). Transient failures (Meta down or throttling, an SMS outage) retry with capped
backoff, so messages queue while Meta is failing and go out when it recovers, within their
usefulness.

A worker killed after the provider accepted a message but before the row says `sent` will
send it again when the lease runs out: at-least-once for that instant, exactly-once otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from application.messaging.claim import LEASE, claim, due_ids
from application.messaging.compose import Composer
from application.messaging.prepare import Prepared, PrepareMessage
from application.messaging.retry import record_failure, settle
from application.ports.clock import Clock
from application.ports.customer_messenger import CustomerMessenger, DeliveryFailed
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.messaging import Channel, MessageStatus, Route

log = logging.getLogger(__name__)


class SendMessages:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        messenger: CustomerMessenger,
        vault: TokenVault,
        composer: Composer,
        *,
        text_channel: Channel = Channel.SMS,
        lease: timedelta = LEASE,
    ) -> None:
        self._lease = lease
        self._uow, self._clock, self._messenger = uow, clock, messenger
        self._prepare = PrepareMessage(clock, vault, composer, text_channel)

    async def due_ids(self, limit: int = 200) -> list[str]:
        return await due_ids(self._uow, self._clock.now(), limit)

    async def run_due(self, limit: int = 200) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message_id in await self.due_ids(limit):
            outcome = await self.send(message_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    async def send(self, message_id: str) -> str:
        """Send one message if it is still owed; returns what became of it (or "not_claimed"
        when another worker has it or it is already settled)."""
        message = await claim(self._uow, message_id, self._clock.now(), self._lease)
        if message is None:
            return "not_claimed"
        try:
            async with self._uow() as uow:
                prepared = await self._prepare(uow, message)
        except Exception as exc:  # a bug or an outage here counts as an attempt, never loops
            log.exception("message could not be prepared", extra={"message_id": message.id})
            unprepared = Prepared(message, Route(None, "could not be prepared"), None, None)
            failure = DeliveryFailed(f"{type(exc).__name__}: {exc}", permanent=False)
            return await record_failure(self._uow, unprepared, failure, self._clock.now())
        if prepared.outgoing is None:
            return await settle(
                self._uow,
                replace(
                    message,
                    status=prepared.unsent,
                    reason=prepared.route.reason,
                    channel=prepared.route.channel,
                    next_attempt_at=None,
                ),
            )
        try:
            provider_id = await self._messenger.send(prepared.outgoing)
        except DeliveryFailed as exc:
            return await record_failure(self._uow, prepared, exc, self._clock.now())
        return await settle(
            self._uow,
            replace(
                message,
                status=MessageStatus.SENT,
                channel=prepared.route.channel,
                reason=prepared.route.reason,
                body=prepared.body,
                provider_id=provider_id,
                attempts=message.attempts + 1,
                error=None,
                next_attempt_at=None,
                sent_at=self._clock.now(),
            ),
        )
