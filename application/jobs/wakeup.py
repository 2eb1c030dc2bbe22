"""Wakes this process's outbox relay when work was committed that should not wait for the
next poll (a webhook delivery, an OTP code). Set by use cases after commit; awaited by the
relay loop. Other processes' relays find the rows on their next poll."""

from __future__ import annotations

import asyncio
import contextlib


class Wakeup:
    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def _current(self) -> asyncio.Event:
        if self._event is None:  # made on first use, inside the loop that serves
            self._event = asyncio.Event()
        return self._event

    def notify(self) -> None:
        self._current().set()

    async def wait(self, seconds: float) -> None:
        """Until notified or `seconds` passed; the notice is consumed."""
        event = self._current()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=seconds)
        event.clear()
