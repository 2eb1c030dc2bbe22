"""What the JobQueue contract suite sees of each adapter: the queue, and the workers' runner
that records what reached it (a Dramatiq worker on real Redis, or this process's event loop).

Built by the fixtures in conftest.py; the test module uses only these types.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from application.ports.job_queue import JobQueue

Job = tuple[str, str]  # (kind, subject_id)


class RecordingRunner:
    """The workers' runner: records each job it starts and finishes. Thread-safe (Dramatiq
    calls it on its own event loop thread). While `hold()` is in force, jobs wait before
    finishing; a job whose subject id is in `failing` raises after it is recorded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()
        self.failing: set[str] = set()
        self._started: list[Job] = []
        self._finished: list[Job] = []

    async def __call__(self, kind: str, subject_id: str) -> str:
        with self._lock:
            self._started.append((kind, subject_id))
        # A threading.Event polled: the runner may be called on another thread's event loop.
        while not self._open.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        with self._lock:
            self._finished.append((kind, subject_id))
        if subject_id in self.failing:
            raise RuntimeError(f"job {kind} {subject_id} failed (on purpose)")
        return "done"

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    @property
    def started(self) -> list[Job]:
        with self._lock:
            return list(self._started)

    @property
    def finished(self) -> list[Job]:
        """Every job that ran to its end, failed ones included, in the order they ended."""
        with self._lock:
            return list(self._finished)

    async def wait_for(self, done: Callable[[list[Job]], bool], within: float = 20.0) -> None:
        """Until `done(finished)` holds; fails the test after `within` seconds."""
        deadline = time.monotonic() + within
        while not done(self.finished):
            assert time.monotonic() < deadline, f"jobs not delivered in time: {self.finished}"
            await asyncio.sleep(0.02)


@dataclass(frozen=True, slots=True)
class QueueCase:
    name: str
    queue: JobQueue
    runner: RecordingRunner
    runs_here: bool  # its jobs run in this process, so `drain` waits for them
    settle: float = field(default=0.5)  # how long to watch for a duplicate delivery
