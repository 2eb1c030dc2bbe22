"""The payloads of the assistant's quick replies and postbacks: one codec for their wire format.

The strings go out in queued messages and come back from Meta when the customer taps, so the
format stays as it always was:

    BOOK                          start a booking (also the Page's Get Started and menu button)
    SVC:<service id>              the service picked
    DAY:<yyyy-mm-dd>              the day picked (salon-local)
    TIME:<ISO 8601 instant>       the time picked
    MANAGE:<action>:<booking id>  RESCHEDULE, CANCEL or CANCEL_YES on an existing booking
    KEEP                          keep the booking (nothing to do)

Anything else decodes as `Other` (kept as it came); the empty payload as None. A value that
does not parse (a bad day or time) is kept as text for the step to reject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

BOOK, KEEP = "BOOK", "KEEP"
RESCHEDULE, CANCEL, CANCEL_YES = "RESCHEDULE", "CANCEL", "CANCEL_YES"
_SERVICE, _DAY, _TIME, _MANAGE = "SVC", "DAY", "TIME", "MANAGE"


@dataclass(frozen=True, slots=True)
class Book:
    pass


@dataclass(frozen=True, slots=True)
class Keep:
    pass


@dataclass(frozen=True, slots=True)
class ChooseService:
    service_id: str


@dataclass(frozen=True, slots=True)
class ChooseDay:
    day: str  # yyyy-mm-dd when it came from us

    @classmethod
    def of(cls, day: date) -> ChooseDay:
        return cls(day.isoformat())


@dataclass(frozen=True, slots=True)
class ChooseTime:
    start: str  # an ISO 8601 instant when it came from us

    @classmethod
    def of(cls, start: datetime) -> ChooseTime:
        return cls(start.isoformat())


@dataclass(frozen=True, slots=True)
class Manage:
    action: str  # RESCHEDULE, CANCEL, CANCEL_YES (never contains ":")
    booking_id: str


@dataclass(frozen=True, slots=True)
class Other:
    raw: str  # not one of ours


Payload = Book | Keep | ChooseService | ChooseDay | ChooseTime | Manage | Other


def encode(payload: Payload) -> str:
    match payload:
        case Book():
            return BOOK
        case Keep():
            return KEEP
        case ChooseService(service_id):
            return f"{_SERVICE}:{service_id}"
        case ChooseDay(day):
            return f"{_DAY}:{day}"
        case ChooseTime(start):
            return f"{_TIME}:{start}"
        case Manage(action, booking_id):
            return f"{_MANAGE}:{action}:{booking_id}"
        case Other(raw):
            return raw


def decode(raw: str | None) -> Payload | None:
    if not raw:
        return None
    if raw == BOOK:
        return Book()
    if raw == KEEP:
        return Keep()
    kind, _, rest = raw.partition(":")
    if kind == _MANAGE:
        action, _, booking_id = rest.partition(":")
        return Manage(action, booking_id)
    if kind == _SERVICE:
        return ChooseService(rest)
    if kind == _DAY:
        return ChooseDay(rest)
    if kind == _TIME:
        return ChooseTime(rest)
    return Other(raw)
