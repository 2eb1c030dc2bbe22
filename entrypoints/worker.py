"""The in-process webhook worker of `salonhub serve`.

It wakes when a delivery commits (ReceiveWebhook's notify) and every `poll` seconds (retries,
expired leases, events another process stored), and works through due events until none is
left; once a day it purges raw deliveries older than 90 days. Several processes may run it on
one database: events are claimed with a lease, so each is handled by one worker at a time.
(Dramatiq workers on Redis are the next step of the webhooks issue.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from application.use_cases import UseCases
from entrypoints.background import BackgroundTask

log = logging.getLogger("salonhub.worker")

PURGE_EVERY_S = 24 * 3600


class InProcessWorker(BackgroundTask):
    def __init__(self, use_cases: UseCases, *, poll: float = 5.0) -> None:
        super().__init__("salonhub-webhook-worker", self._loop)
        self._use_cases, self._poll = use_cases, poll
        self._wake = asyncio.Event()
        self._last_purge = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._wake = asyncio.Event()  # bound to the serving loop
        self._use_cases.webhooks.set_notify(self.wake)
        await super().start()

    async def drain(self) -> dict[str, int]:
        """Work until no due event is left (or only ones held back for later)."""
        total: dict[str, int] = {}
        while True:
            counts = await self._use_cases.webhook_events.run_due()
            for name, count in counts.items():
                total[name] = total.get(name, 0) + count
            if counts["processed"] + counts["ignored"] + counts["failed"] == 0:
                return total

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            self._wake.clear()
            try:
                await self.drain()
                if time.monotonic() - self._last_purge > PURGE_EVERY_S:
                    self._last_purge = time.monotonic()
                    purged = await self._use_cases.webhook_events.purge()
                    if purged:
                        log.info("purged old webhook deliveries", extra={"count": purged})
            except Exception:
                log.exception("webhook worker run failed")
                await asyncio.sleep(self._poll)
