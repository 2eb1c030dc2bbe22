from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.analytics import FunnelStep
from domain.booking import BookingSource


@dataclass(frozen=True, slots=True)
class FunnelCount:
    day: date  # the salon-local date of the step
    source: BookingSource
    step: FunnelStep
    count: int


class FunnelRepository(Protocol):
    """Counters of the booking widget's funnel per salon, salon-local day, source and step.

    No personal data: a counter is all there is (no visitor, address or time of day). Part of
    the unit of work. `increment` is one atomic upsert (concurrent increments of one counter
    all count, on every backend); the caller makes sure the salon exists (the SQL stores have
    a foreign key to it).
    """

    async def increment(
        self, salon_id: str, day: date, source: BookingSource, step: FunnelStep
    ) -> None: ...

    async def counts(self, salon_id: str, first: date, last: date) -> Sequence[FunnelCount]:
        """The salon's counters of days `first` … `last` (inclusive), by day, source and step
        (values as text)."""
        ...
