"""Parsing query-string values the contract defines (dates, instants, enums)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from domain.errors import ValidationFailed

E = TypeVar("E", bound=StrEnum)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: str, name: str) -> date:
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed("Invalid date.", {name: "must be YYYY-MM-DD"}) from exc


def parse_instant(value: str, name: str) -> datetime:
    # An unencoded '+' in a query string arrives as a space.
    text = value.strip().replace(" ", "+")
    try:
        if len(text) > 40 or "T" not in text.upper():
            raise ValueError(text)
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(
            "Invalid instant.", {name: "must be RFC 3339 with an offset"}
        ) from exc
    if parsed.tzinfo is None:
        raise ValidationFailed("Instant without offset.", {name: "must include an offset"})
    return parsed


def parse_enum(enum: type[E], value: str, name: str) -> E:
    try:
        return enum(value)
    except ValueError as exc:
        allowed = ", ".join(e.value for e in enum)
        raise ValidationFailed("Invalid value.", {name: f"must be one of {allowed}"}) from exc
