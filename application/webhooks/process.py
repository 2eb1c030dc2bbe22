"""Processing stored webhook events: after commit, per event, in timestamp order.

Each event is claimed (a lease, so two workers never handle it at once and a dead worker's
event comes back), handed to the handler for its kind (or object), and its outcome recorded:
`processed`, `ignored` with the reason, or — when the handler raises — retried with capped
exponential backoff and, after `max_attempts`, `failed` with the error (listed for the owner,
replayable). Within one run, a conversation whose event must wait holds back its later events,
so a conversation never skips ahead. Every kind has a route (application/webhooks/routing.py);
kinds SalonHub has no use for are recorded as ignored, with the reason.
Handlers must be idempotent: a lease can expire under a slow handler and the event run again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from application.actor import Actor
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.webhook_inbox import StoredEvent
from application.tenancy import owned_salon
from domain.errors import Conflict, NotFound
from domain.webhook_kinds import EventKind

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
RETENTION = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # "processed" | "ignored"
    reason: str | None = None
    salon_id: str | None = None


Handler = Callable[[StoredEvent], Awaitable[Outcome]]


def ignore(reason: str) -> Handler:
    async def handler(event: StoredEvent) -> Outcome:
        return Outcome("ignored", reason)

    return handler


async def unhandled(event: StoredEvent) -> Outcome:
    """A kind SalonHub recognises but has no use for yet."""
    return Outcome("ignored", f"no handler for {event.event.label} on {event.event.object}")


class WebhookProcessor:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        handlers: Mapping[EventKind, Handler],
        *,
        max_attempts: int = 6,
        base_delay: timedelta = timedelta(seconds=30),
        max_delay: timedelta = timedelta(hours=1),
        lease: timedelta = LEASE,
    ) -> None:
        missing = [kind.value for kind in EventKind if kind not in handlers]
        if missing:
            raise ValueError(f"no route for the webhook kinds {missing}")
        self._uow, self._clock, self._handlers = uow, clock, dict(handlers)
        self._lease = lease
        self._max_attempts, self._base, self._max = max_attempts, base_delay, max_delay

    def route(self, event: StoredEvent) -> Handler:
        return self._handlers[event.event.kind]

    async def due_ids(self, limit: int = 200) -> list[str]:
        return [event.id for event in await self._runnable(limit)]

    async def _runnable(self, limit: int) -> list[StoredEvent]:
        """Events that may run now: per conversation only the earliest due one, and none
        while an earlier event of its conversation waits for a retry or is being handled."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.webhooks.due(now, limit)
            held = dict(await uow.webhooks.held(now))
        runnable: list[StoredEvent] = []
        for event in due:
            conversation, ts = event.event.conversation, event.event.timestamp_ms or 0
            if conversation in held and (held[conversation] <= ts or not ts):
                continue  # an earlier (or undated) event of it waits or is being handled
            held[conversation] = ts  # later events of it wait for this one
            runnable.append(event)
        return runnable

    async def process(self, event_id: str) -> str:
        """Handle one event if it is still due (idempotent: a second call finds it claimed
        or settled and does nothing)."""
        async with self._uow() as uow:
            event = await uow.webhooks.get_event(event_id)
        if event is None or event.status not in ("pending", "processing"):
            return "skipped"
        return await self._one(event)

    async def run_due(self, limit: int = 200) -> dict[str, int]:
        """Work through due events in order until none is left (or `limit` were tried), a
        batch at a time: one claim and one settle per batch instead of per event, so a busy
        inbox on SQLite leaves the write lock to the receiver most of the time."""
        counts = {"processed": 0, "ignored": 0, "retry": 0, "failed": 0, "skipped": 0}
        tried = 0
        while tried < limit:
            due = await self._runnable(limit - tried)
            if not due:
                break
            results = await self._batch(due)
            for result in results:
                counts[result] += 1
            tried += len(due)
            if not any(r in ("processed", "ignored", "failed") for r in results):
                break
        return counts

    async def _batch(self, due: list[StoredEvent]) -> list[str]:
        """One claim for the batch; each event is settled as soon as it is handled, so a
        worker that dies mid-batch leaves only the unhandled ones to run again."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            won = await uow.webhooks.claim_many([e.id for e in due], now, now + self._lease)
            await uow.commit()
        events = [e for e in due if e.id in won]  # as read: the claim changes no field we use
        results = ["skipped"] * (len(due) - len(events))
        for event in events:  # distinct conversations (due_ids gives one event of each)
            settled = await self._handle(event)
            async with self._uow(write=True) as uow:
                await uow.webhooks.settle(settled)
                await uow.commit()
            results.append(_result(settled))
        return results

    async def _handle(self, event: StoredEvent) -> StoredEvent:
        """Run the handler; the event as it should be settled (never raises)."""
        handler = self.route(event)
        attempts = event.attempts + 1
        try:
            outcome = await handler(event)
        except Exception as exc:
            log.warning(
                "webhook event failed",
                extra={"event_id": event.id, "kind": event.event.label, "attempt": attempts},
                exc_info=True,
            )
            return await self._failure(event, attempts, exc)
        return replace(
            event,
            status=outcome.status,
            reason=outcome.reason,
            attempts=attempts,
            next_attempt_at=None,
            processed_at=self._clock.now(),
            salon_id=outcome.salon_id or event.salon_id,
        )

    async def _one(self, event: StoredEvent) -> str:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            claimed = await uow.webhooks.claim(event.id, now, now + self._lease)
            await uow.commit()
        if not claimed:
            return "skipped"  # another worker has it
        settled = await self._handle(event)
        async with self._uow(write=True) as uow:
            await uow.webhooks.settle(settled)
            await uow.commit()
        return _result(settled)

    async def _failure(self, event: StoredEvent, attempts: int, exc: Exception) -> StoredEvent:
        """A retry with capped backoff, or `failed` after the last attempt."""
        now = self._clock.now()
        if event.salon_id is None and event.event.entry_id is not None:
            async with self._uow() as uow:  # so the salon's owner sees it in the failed list
                holder = await uow.meta.by_page(event.event.entry_id)
            if holder is not None:
                event = replace(event, salon_id=holder.salon_id)
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if attempts >= self._max_attempts:
            return replace(
                event,
                status="failed",
                reason=error,
                attempts=attempts,
                next_attempt_at=None,
                processed_at=now,
            )
        delay = min(self._base * 2 ** (attempts - 1), self._max)
        return replace(
            event, status="pending", reason=error, attempts=attempts, next_attempt_at=now + delay
        )

    # -- the owner's view ---------------------------------------------------------------------

    async def failed(self, actor: Actor, salon_id: str, limit: int = 100) -> Sequence[StoredEvent]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await uow.webhooks.failed(salon_id, limit)

    async def replay(self, actor: Actor, salon_id: str, event_id: str) -> StoredEvent:
        """Put a failed event of the salon back in the queue, with a fresh set of attempts."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            await owned_salon(uow, actor, salon_id)
            event = await uow.webhooks.get_event(event_id)
            if event is None or event.salon_id != salon_id:
                raise NotFound("Webhook event not found.")
            if event.status != "failed":
                raise Conflict("Only failed events can be replayed.", {"status": event.status})
            again = replace(event, status="pending", attempts=0, next_attempt_at=now)
            await uow.webhooks.settle(again)
            await uow.commit()
        return again

    async def purge(self) -> int:
        """Raw deliveries older than 90 days go, with their events."""
        async with self._uow(write=True) as uow:
            count = await uow.webhooks.purge_before(self._clock.now() - RETENTION)
            await uow.commit()
        return count


def _result(settled: StoredEvent) -> str:
    """What became of a handled event, as run_due counts it."""
    return "retry" if settled.status == "pending" else settled.status
