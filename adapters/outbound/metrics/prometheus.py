"""The business metrics port over prometheus-client, on a registry of the app's own.

A registry per app (not the process-global default) so that many apps in one process (tests)
never collide; `/metrics` renders the same registry, beside the HTTP metrics.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from application.ports.metrics import Metrics
from domain.booking import BookingSource

# Availability for one day on a small salon takes about a millisecond; 14 days on a large one,
# tens of milliseconds.
META_SYNC_RESULTS = ("synced", "unchanged", "failed", "skipped")
AVAILABILITY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class PrometheusMetrics(Metrics):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self._created = Counter(
            "salonhub_bookings_created",
            "Bookings committed, by source.",
            ["source"],
            registry=registry,
        )
        self._conflicted = Counter(
            "salonhub_bookings_conflicted",
            "Creates and reschedules refused with slot_unavailable, by booking source.",
            ["source"],
            registry=registry,
        )
        self._cancelled = Counter(
            "salonhub_bookings_cancelled",
            "Cancellations committed (customer or owner), by booking source.",
            ["source"],
            registry=registry,
        )
        self._availability = Histogram(
            "salonhub_availability_seconds",
            "Time to compute offered slots for one availability query.",
            buckets=AVAILABILITY_BUCKETS,
            registry=registry,
        )
        self._replays = Counter(
            "salonhub_idempotent_replays",
            "Booking creates answered from a stored Idempotency-Key.",
            registry=registry,
        )
        self._rate_limited = Counter(
            "salonhub_rate_limited",
            "Requests refused by a rate limit, by scope.",
            ["scope"],
            registry=registry,
        )
        self._meta_syncs = Counter(
            "salonhub_meta_syncs",
            "Meta sync attempts (Messenger profile), by result.",
            ["result"],
            registry=registry,
        )
        self._meta_sync_lag = Gauge(
            "salonhub_meta_sync_lag_seconds",
            "Age of the oldest Meta-facing change (services, staff, hours) not yet synced.",
            registry=registry,
        )
        for result in META_SYNC_RESULTS:
            self._meta_syncs.labels(result=result)
        for source in BookingSource:  # export zeros, so rates exist before the first event
            for counter in (self._created, self._conflicted, self._cancelled):
                counter.labels(source=source.value)

    def booking_created(self, source: str) -> None:
        self._created.labels(source=source).inc()

    def booking_conflicted(self, source: str) -> None:
        self._conflicted.labels(source=source).inc()

    def booking_cancelled(self, source: str) -> None:
        self._cancelled.labels(source=source).inc()

    def availability_computed(self, seconds: float) -> None:
        self._availability.observe(seconds)

    def idempotent_replay(self) -> None:
        self._replays.inc()

    def rate_limited(self, scope: str) -> None:
        self._rate_limited.labels(scope=scope).inc()

    def meta_sync_finished(self, result: str) -> None:
        self._meta_syncs.labels(result=result).inc()

    def meta_sync_lag(self, seconds: float) -> None:
        self._meta_sync_lag.set(seconds)
