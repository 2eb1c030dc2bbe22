from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    """Business counters and timings. Calls are cheap, never raise, and happen after commit
    (a rolled-back booking is not counted as created)."""

    def booking_created(self, source: str) -> None: ...

    def booking_conflicted(self, source: str) -> None:
        """A create or reschedule refused with slot_unavailable."""
        ...

    def booking_cancelled(self, source: str) -> None: ...

    def availability_computed(self, seconds: float) -> None: ...

    def idempotent_replay(self) -> None: ...

    def rate_limited(self, scope: str) -> None: ...

    def meta_sync_finished(self, result: str) -> None:
        """One Meta sync attempt: synced | unchanged | failed | skipped."""
        ...

    def meta_sync_lag(self, seconds: float) -> None:
        """The age of the oldest Meta-facing change not yet synced (0 when none)."""
        ...
