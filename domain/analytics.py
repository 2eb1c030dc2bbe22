"""Booking analytics: the funnel's steps and sources, and how rates are rounded."""

from __future__ import annotations

import enum
from typing import Final

from domain.booking import BookingSource


class FunnelStep(enum.StrEnum):
    """What the booking widget reports: the page was seen, a day's slots were seen."""

    VIEW = "view"
    SLOT_VIEW = "slot_view"


# The sources a booking link can carry (the widget's `source`); staff and google have no funnel.
FUNNEL_SOURCES: Final = (
    BookingSource.INSTAGRAM,
    BookingSource.FACEBOOK,
    BookingSource.MESSENGER,
    BookingSource.STORY,
    BookingSource.WEB,
)
SOCIAL_SOURCES: Final = FUNNEL_SOURCES[:4]
_BY_VALUE: Final = {s.value: s for s in FUNNEL_SOURCES}


def funnel_source(value: str) -> BookingSource:
    """The funnel source a beacon names; anything unknown (or staff/google) counts as web."""
    return _BY_VALUE.get(value.strip().lower(), BookingSource.WEB)


def ratio(part: int, whole: int) -> float:
    """part / whole rounded to 4 decimals; 0.0 when there is nothing to divide by."""
    return round(part / whole, 4) if whole else 0.0
