"""The audit log: who changed what, when, in which request. Entries are never edited.

`changes` holds only the fields that changed, each as (before, after) in JSON-able values:
instants as UTC ISO strings, enums as their values, wall-clock times as "HH:MM", sequences as
lists. A creation has `None` befores; a removal has `None` afters.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TypeAlias

from domain.errors import ValidationFailed

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | None"
Change: TypeAlias = tuple[JsonValue, JsonValue]


class ActorType(enum.StrEnum):
    OWNER = "owner"  # a salon owner through the admin API (id: owner id)
    CUSTOMER = "customer"  # the booking widget or a manage link (id: customer id)
    SYSTEM = "system"  # a job or webhook acting on its own (id: the job's name, if any)
    OPERATOR = "operator"  # the `salonhub` CLI (id: the operator, if known)


class EntityType(enum.StrEnum):
    SALON = "salon"
    LOCATION = "location"
    SERVICE = "service"
    STAFF = "staff"
    TIME_OFF = "time_off"
    BOOKING = "booking"
    META_INTEGRATION = "meta_integration"
    CUSTOMER = "customer"  # data rights: exported, erased


@dataclass(frozen=True, slots=True)
class AuditActor:
    type: ActorType
    id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    salon_id: str
    at: datetime
    actor_type: ActorType
    actor_id: str | None
    action: str  # "<entity>.<verb>", e.g. "booking.rescheduled"
    entity_type: EntityType
    entity_id: str
    changes: Mapping[str, Change]
    request_id: str | None


def json_value(value: Any) -> JsonValue:
    """A domain value as a JSON-able one (see the module docstring); anything else as str()."""
    if isinstance(value, enum.Enum):
        return json_value(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        aware = value.tzinfo is not None and value.utcoffset() is not None
        return (value.astimezone(UTC) if aware else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        plain = value.second == 0 and value.microsecond == 0
        return value.isoformat(timespec="minutes") if plain else value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted((json_value(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        # Inside a list (weekly hours), a record becomes the list of its field values.
        return [json_value(getattr(value, f.name)) for f in fields(value)]
    return str(value)  # never let the audit log's formatting refuse a write


def snapshot(obj: object, *, exclude: Collection[str] = ()) -> dict[str, JsonValue]:
    """A dataclass's fields as JSON-able values; a nested dataclass (a salon's policy)
    flattens into "outer.inner" keys."""
    if not is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"snapshot() needs a dataclass instance, got {type(obj).__name__}")
    out: dict[str, JsonValue] = {}
    for f in fields(obj):
        if f.name in exclude:
            continue
        value = getattr(obj, f.name)
        if is_dataclass(value) and not isinstance(value, type):
            for key, inner in snapshot(value).items():
                out[f"{f.name}.{key}"] = inner
        else:
            out[f.name] = json_value(value)
    return out


def diff(
    before: object | None, after: object | None, *, exclude: Collection[str] = ()
) -> dict[str, Change]:
    """The fields that differ between two snapshots of one entity, as (before, after).

    `before=None` describes a creation, `after=None` a removal.
    """
    old = snapshot(before, exclude=exclude) if before is not None else {}
    new = snapshot(after, exclude=exclude) if after is not None else {}
    keys = [*old, *(k for k in new if k not in old)]
    return {k: (old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)}


def changed(field: str, before: Any, after: Any) -> dict[str, Change]:
    """One field's change as `diff` would give it, for values that are not dataclasses."""
    old, new = json_value(before), json_value(after)
    return {} if old == new else {field: (old, new)}


_CURSOR_SEPARATOR = "|"
_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def encode_cursor(at: datetime, entry_id: str) -> str:
    """An opaque page cursor: entries strictly older than (at, entry_id) come next."""
    raw = f"{at.astimezone(UTC).isoformat(timespec='microseconds')}{_CURSOR_SEPARATOR}{entry_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """(at, id) from `encode_cursor`; anything else is a ValidationFailed on `cursor`."""
    try:
        if len(cursor) > 200:
            raise ValueError("too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        stamp, sep, entry_id = raw.partition(_CURSOR_SEPARATOR)
        at = datetime.fromisoformat(stamp)
        if not sep or not _ID.fullmatch(entry_id) or at.tzinfo is None:
            raise ValueError(raw)
        at = at.astimezone(UTC)
    except (ValueError, OverflowError, binascii.Error) as exc:
        raise ValidationFailed(
            "Invalid cursor.", {"cursor": "use next_cursor from a previous page"}
        ) from exc
    return at, entry_id
