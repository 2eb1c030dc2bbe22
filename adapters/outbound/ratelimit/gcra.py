"""The cell-rate arithmetic both adapters share, in integer microseconds (no float drift)."""

from __future__ import annotations

from application.ports.rate_limiter import Rate

MICROS = 1_000_000


def period_us(rate: Rate) -> int:
    return max(rate.count, round(rate.period_seconds * MICROS))


def emission_us(rate: Rate) -> int:
    """Time one hit uses up. Rounded down, so `count` hits at once always fit the period."""
    return period_us(rate) // rate.count
