from __future__ import annotations

from collections import Counter

from application.ports.metrics import Metrics


class InMemoryMetrics(Metrics):
    """Counts in a Counter, keyed like ('booking_created', 'instagram')."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.availability_seconds: list[float] = []
        self.meta_sync_lag_seconds = 0.0

    def booking_created(self, source: str) -> None:
        self.counts["booking_created", source] += 1

    def booking_conflicted(self, source: str) -> None:
        self.counts["booking_conflicted", source] += 1

    def booking_cancelled(self, source: str) -> None:
        self.counts["booking_cancelled", source] += 1

    def availability_computed(self, seconds: float) -> None:
        self.availability_seconds.append(seconds)

    def idempotent_replay(self) -> None:
        self.counts["idempotent_replay", ""] += 1

    def rate_limited(self, scope: str) -> None:
        self.counts["rate_limited", scope] += 1

    def meta_sync_finished(self, result: str) -> None:
        self.counts["meta_sync", result] += 1

    def meta_sync_lag(self, seconds: float) -> None:
        self.meta_sync_lag_seconds = seconds
