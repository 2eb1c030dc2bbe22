from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `count` hits per `period_seconds`, with bursts of up to `count` (GCRA)."""

    count: int
    period_seconds: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.period_seconds <= 0:
            raise ValueError(f"a rate needs count >= 1 and a positive period: {self!r}")

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`20/minute`, `5/10 minutes`, `100 per hour` (the `limits` library's notation)."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"not a rate: {text!r} (expected e.g. 20/minute or 5/10 minutes)")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _UNITS[unit.lower()])

    def __str__(self) -> str:
        return f"{self.count}/{self.period_seconds:g} seconds"


@dataclass(frozen=True, slots=True)
class Hit:
    """One counter to charge: `scope` names the rule (`book_phone`), `key` the client in it."""

    scope: str
    key: str
    rate: Rate


@dataclass(frozen=True, slots=True)
class Denied:
    """The hit was refused by the rule `scope`; the caller may retry after this many seconds."""

    scope: str
    retry_after_seconds: float


class RateLimiter(Protocol):
    """Counters shared by every process that uses the same store.

    `hit` is one atomic hit-and-check over all the given counters: either every counter is
    charged and None is returned, or none is charged and `Denied` names the rule that refused
    (the one with the longest wait) and how long until the hit would be allowed (> 0 seconds).
    Each counter is a generic cell rate (GCRA): a burst of `rate.count`, then one hit per
    `period / count`. A limiter whose store is unreachable allows the hit (fails open) and logs;
    it never raises for that. `close` releases connections and is safe to call twice.
    """

    async def hit(self, hits: Sequence[Hit]) -> Denied | None: ...

    async def close(self) -> None: ...
