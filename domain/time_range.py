"""Instants and dates the service accepts: far enough from the ends of the calendar that
time-zone arithmetic cannot overflow."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.errors import ValidationFailed

EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def checked_instant(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed("Instant without offset.", {field: "must include an offset"})
    try:
        in_range = EARLIEST <= value < LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise ValidationFailed("Date out of range.", {field: "must be between 1971 and 2199"})
    return value


def checked_date(value: date, field: str) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValidationFailed("Date out of range.", {field: "must be between 1971 and 2199"})
    return value
