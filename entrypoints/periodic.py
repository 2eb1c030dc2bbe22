"""Periodic Meta jobs inside `salonhub serve` in embedded mode (one process, no scheduler).

Every `interval` seconds: the token health check (each integration at most once a day) and the
retry of cleanups owed to Meta. With Redis configured these belong to `salonhub scheduler`
(one instance, guarded by a lock); this loop is only for the single-process embedded setup.
A failing run is logged and the loop goes on.
"""

from __future__ import annotations

import asyncio
import logging

from application.use_cases import UseCases
from entrypoints.background import BackgroundTask

log = logging.getLogger("salonhub.periodic")


async def run_meta_jobs(use_cases: UseCases) -> dict[str, dict[str, int]]:
    return {
        "token_health": await use_cases.meta_token_checks.check_due(),
        "cleanups": await use_cases.meta_cleanups.run_due(),
    }


class PeriodicMetaJobs(BackgroundTask):
    def __init__(self, use_cases: UseCases, *, interval: float = 3600.0, delay: float = 60.0):
        super().__init__("salonhub-periodic-meta", self._loop)
        self._use_cases, self._interval, self._delay = use_cases, interval, delay

    async def _loop(self) -> None:
        await asyncio.sleep(self._delay)
        while True:
            try:
                result = await run_meta_jobs(self._use_cases)
                log.info("periodic Meta jobs ran", extra={"result": result})
            except Exception:
                log.exception("periodic Meta jobs failed")
            await asyncio.sleep(self._interval)
