from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from application.ports.rate_limiter import Denied, Hit, RateLimiter

from .gcra import MICROS, emission_us, period_us


def _monotonic_us() -> int:
    return time.monotonic_ns() // 1000


class InMemoryRateLimiter(RateLimiter):
    """GCRA counters in a dict: atomic because `hit` never awaits. One process only."""

    def __init__(self, now_us: Callable[[], int] = _monotonic_us, *, sweep_every: int = 4096):
        self._now_us = now_us
        self._tat: dict[tuple[str, str], int] = {}  # theoretical arrival time per counter
        self._sweep_every = sweep_every
        self._hits = 0

    async def hit(self, hits: Sequence[Hit]) -> Denied | None:
        now = self._now_us()
        pending: dict[tuple[str, str], int] = {}
        worst: tuple[Hit, int] | None = None
        for h in hits:
            cell = (h.scope, h.key)
            tat = max(pending.get(cell, self._tat.get(cell, now)), now)
            pending[cell] = tat + emission_us(h.rate)
            over = pending[cell] - period_us(h.rate) - now
            if over > 0 and (worst is None or over > worst[1]):
                worst = (h, over)
        if worst is not None:
            return Denied(worst[0].scope, worst[1] / MICROS)
        self._tat.update(pending)
        self._hits += 1
        if self._hits % self._sweep_every == 0:
            self._sweep(now)
        return None

    def _sweep(self, now: int) -> None:
        """Forget counters that have fully drained (the same as never seen)."""
        for cell in [c for c, tat in self._tat.items() if tat <= now]:
            del self._tat[cell]

    def __len__(self) -> int:
        return len(self._tat)

    async def close(self) -> None:
        self._tat.clear()
