"""The embedded mode's job queue: jobs run as tasks of this process's event loop, a few at a
time. Nothing survives a restart, and nothing needs to: the rows are the truth and the relay
dispatches what is still due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from application.ports.job_queue import JOBS, JobQueue

log = logging.getLogger(__name__)

Runner = Callable[[str, str], Awaitable[str]]


class InProcessJobQueue(JobQueue):
    def __init__(self, runner: Runner, concurrency: int = 4) -> None:
        self._runner = runner
        self._concurrency = concurrency
        self._slots: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, kind: str, subject_id: str) -> None:
        if kind not in JOBS:
            raise ValueError(f"unknown job kind {kind!r}")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._concurrency)
        task = asyncio.create_task(self._run(self._slots, kind, subject_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, slots: asyncio.Semaphore, kind: str, subject_id: str) -> None:
        async with slots:
            try:
                await self._runner(kind, subject_id)
            except Exception:  # the row keeps the work; the relay dispatches it again
                log.exception("job failed", extra={"job": kind, "subject_id": subject_id})

    async def drain(self) -> None:
        """Wait for every job enqueued so far (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
