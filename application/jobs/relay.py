"""The outbox relay and the job runner.

Work is written to the database in the transaction that causes it (webhook events by the
receiver, messages by bookings and handlers). The relay polls for rows that are due and hands
their ids to the JobQueue; the runner, called by a worker with a kind and an id, does the job.
Rows are the truth: a job the queue lost (Redis restarted, a crash between commit and
dispatch) is due again and dispatched on a later pass; a job delivered twice finds its row
claimed or settled and does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from application.messaging.dispatch import SendMessages
from application.meta.sync import SyncMeta
from application.ports.job_queue import (
    PROCESS_WEBHOOK_EVENT,
    SEND_MESSAGE,
    SEND_OTP,
    SYNC_META,
    JobQueue,
)
from application.verification.send_codes import SendOtpCodes
from application.webhooks.process import WebhookProcessor

REDISPATCH_AFTER_S = 30.0  # a dispatched id still due after this is dispatched again


class JobRunner:
    def __init__(
        self,
        webhooks: WebhookProcessor,
        messages: SendMessages,
        meta_sync: SyncMeta | None = None,
        otp_codes: SendOtpCodes | None = None,
    ) -> None:
        self._webhooks, self._messages, self._meta_sync = webhooks, messages, meta_sync
        self._otp_codes = otp_codes

    async def run(self, kind: str, subject_id: str) -> str:
        if kind == PROCESS_WEBHOOK_EVENT:
            return await self._webhooks.process(subject_id)
        if kind == SEND_MESSAGE:
            return await self._messages.send(subject_id)
        if kind == SYNC_META and self._meta_sync is not None:
            return await self._meta_sync.sync(subject_id)
        if kind == SEND_OTP and self._otp_codes is not None:
            return await self._otp_codes.send(subject_id)
        raise ValueError(f"unknown job kind {kind!r}")


class OutboxRelay:
    def __init__(
        self,
        webhooks: WebhookProcessor,
        messages: SendMessages,
        queue: JobQueue,
        *,
        meta_sync: SyncMeta | None = None,
        otp_codes: SendOtpCodes | None = None,
        redispatch_after: float = REDISPATCH_AFTER_S,
        monotonic: Callable[[], float] = time.monotonic,
        webhooks_in_batches: bool = False,
    ) -> None:
        self._webhooks, self._messages, self._queue = webhooks, messages, queue
        # In-process mode: webhook events are handled right here, a batch per claim and
        # settle (one writer lock each), instead of one job per event.
        self._batches = webhooks_in_batches
        self._meta_sync, self._otp_codes = meta_sync, otp_codes
        self._after, self._monotonic = redispatch_after, monotonic
        self._sent: dict[tuple[str, str], float] = {}

    async def run_once(self, limit: int = 500) -> int:
        """Dispatch every due row not dispatched in the last `redispatch_after` seconds."""
        now = self._monotonic()
        self._sent = {k: t for k, t in self._sent.items() if now - t < self._after}
        due: list[tuple[str, str]] = []
        if self._otp_codes is not None:  # first: a customer is waiting for the code
            due += [(SEND_OTP, i) for i in await self._otp_codes.due_ids(limit)]
        if self._batches:
            await self._webhooks.run_due(limit)
        else:
            due += [(PROCESS_WEBHOOK_EVENT, i) for i in await self._webhooks.due_ids(limit)]
        due += [(SEND_MESSAGE, i) for i in await self._messages.due_ids(limit)]
        if self._meta_sync is not None:  # also refreshes the sync-lag gauge
            due += [(SYNC_META, i) for i in await self._meta_sync.due_ids(limit)]
        dispatched = 0
        for job in due:
            if job in self._sent:
                continue
            await self._queue.enqueue(*job)
            self._sent[job] = now
            dispatched += 1
        return dispatched
