"""The date range an analytics report covers, in the salon's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from domain.availability import local_midnight
from domain.errors import ValidationFailed
from domain.time_range import checked_date

DEFAULT_DAYS: Final = 30
MAX_DAYS: Final = 366


@dataclass(frozen=True, slots=True)
class Period:
    first: date  # inclusive, salon-local
    last: date  # inclusive, salon-local

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def instants(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[local midnight of `first`, local midnight after `last`) as UTC instants."""
        return local_midnight(self.first, zone), local_midnight(self.last + timedelta(days=1), zone)


def period(today: date, first: date | None, last: date | None) -> Period:
    """`to` defaults to today, `from` to 29 days before `to` (30 days in all). `to` before
    `from`, or more than 366 days, is a validation error naming the fields."""
    if first is not None:
        checked_date(first, "from")
    if last is not None:
        checked_date(last, "to")
    last = last if last is not None else today
    first = first if first is not None else last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise ValidationFailed("Invalid range.", {"to": "must not be before from"})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            "The range is too long.",
            {"from": f"at most {MAX_DAYS} days before to", "to": f"at most {MAX_DAYS} days"},
        )
    return Period(first, last)
