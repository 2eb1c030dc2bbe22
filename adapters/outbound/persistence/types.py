"""Column types that keep the domain's value rules the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

# Fixed width (year zero-padded by isoformat), so text order is time order in SQLite.
_SQLITE_INSTANT_WIDTH = len("2026-01-01T00:00:00.000000+00:00")


class UtcDateTime(TypeDecorator[datetime]):
    """An instant: aware datetimes in, aware UTC datetimes out, on every backend.

    PostgreSQL stores `timestamptz`. SQLite stores fixed-width UTC ISO text, so comparisons and
    ORDER BY in SQL follow time order. Naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(_SQLITE_INSTANT_WIDTH))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime given for an instant column: {value!r}")
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.isoformat(timespec="microseconds")
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"unexpected instant value from the database: {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class WallClockTime(TypeDecorator[time]):
    """A salon-local wall-clock time as 'HH:MM' text ('HH:MM:SS[.ffffff]' when it has seconds)."""

    impl = String(15)
    cache_ok = True

    def process_bind_param(self, value: time | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            raise ValueError(f"wall-clock times carry no zone: {value!r}")
        if value.second == 0 and value.microsecond == 0:
            return value.isoformat(timespec="minutes")
        return value.isoformat()

    def process_result_value(self, value: str | None, dialect: Dialect) -> time | None:
        return None if value is None else time.fromisoformat(value)
