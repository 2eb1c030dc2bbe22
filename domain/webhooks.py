"""A Meta webhook event as SalonHub stores it, with the key that makes it stored once.

META.md: there is no event id header. The kind of an event and its dedup rule come from the
table in domain/webhook_kinds.py: messages and postbacks are deduplicated on their `mid`;
`changes` on (field, entry id, time, hash of value); other messaging events on a hash of the
event itself; a delivery with nothing recognisable on a hash of its raw body. `time` and
`timestamp` may be seconds or milliseconds, and may be strings: they are normalised to
milliseconds. Unknown fields are kept (the event is stored whole) and never fail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.webhook_kinds import CHANGE_PREFIX, Dedup, EventKind, Source, classify

MAX_KEY_PART = 512
_MID_HOLDERS = ("message", "postback", "reaction")


@dataclass(frozen=True, slots=True)
class InboundEvent:
    dedup_key: str
    object: str  # page | instagram | application | permissions | ... (as Meta sent it)
    kind: EventKind
    entry_id: str | None  # the Page / Instagram account / app the entry is about
    sender_id: str | None
    recipient_id: str | None
    timestamp_ms: int | None
    payload: Mapping[str, Any]  # the event as received (a messaging item or a change)

    @property
    def label(self) -> str:
        """What the inbox stores and the owner reads: the kind, or `change:<field>`."""
        if self.kind in (EventKind.PERMISSION_CHANGE, EventKind.APP_CHANGE, EventKind.OTHER_CHANGE):
            return f"{CHANGE_PREFIX}{change_field(self.payload)}"
        return self.kind.value

    @property
    def conversation(self) -> str:
        """Events of one conversation are processed in timestamp order."""
        if self.sender_id is None and self.recipient_id is None:
            return f"{self.object}:{self.entry_id or '-'}"
        people = sorted(x for x in (self.sender_id, self.recipient_id) if x)
        return f"{self.object}:{self.entry_id or '-'}:{'|'.join(people)}"


def _digest(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def millis(value: Any) -> int | None:
    """A Meta time (seconds or milliseconds, number or numeric string) in milliseconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or value != value or value <= 0:
        return None
    if value >= 1e16:
        return None
    result = int(value if value >= 1e11 else value * 1000)
    return result if result > 0 else None  # a tiny positive float is not a time either


def meta_id(value: Any) -> str | None:
    """An id as Meta sends it (a string, a number, or `{"id": ...}`), bounded."""
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
        return str(value)[:MAX_KEY_PART]
    return None


def change_field(change: Mapping[str, Any]) -> str:
    field = change.get("field")
    return field[:64] if isinstance(field, str) and field else "unknown"


def _mid(item: Mapping[str, Any]) -> str | None:
    for holder in _MID_HOLDERS:
        inner = item.get(holder)
        if isinstance(inner, Mapping) and isinstance(inner.get("mid"), str) and inner["mid"]:
            return str(inner["mid"])[:MAX_KEY_PART]
    return None


def messaging_event(obj: str, entry_id: str | None, item: Mapping[str, Any]) -> InboundEvent:
    """One item of an entry's `messaging` (or `standby`) list."""
    rule = classify(Source.MESSAGING, obj, item)
    mid = _mid(item)
    if mid is not None and rule.dedup in (Dedup.MESSAGE_MID, Dedup.POSTBACK_MID):
        # An appointment's later statuses arrive with new mids; each is its own event.
        key = f"{rule.dedup.value}:{mid}"
    else:
        key = f"{Dedup.ITEM_HASH.value}:{_digest(obj, entry_id, item)}"
    return InboundEvent(
        dedup_key=key,
        object=obj,
        kind=rule.kind,
        entry_id=entry_id,
        sender_id=meta_id(item.get("sender")),
        recipient_id=meta_id(item.get("recipient")),
        timestamp_ms=millis(item.get("timestamp")),
        payload=dict(item),
    )


def change_event(obj: str, entry: Mapping[str, Any], change: Mapping[str, Any]) -> InboundEvent:
    """One item of an entry's `changes` list."""
    entry_id = meta_id(entry.get("id"))
    time = millis(entry.get("time"))
    digest = _digest(change_field(change), entry_id, time, change.get("value"))
    return InboundEvent(
        dedup_key=f"{Dedup.CHANGE_HASH.value}:{digest}",
        object=obj,
        kind=classify(Source.CHANGE, obj, change).kind,
        entry_id=entry_id,
        sender_id=None,
        recipient_id=None,
        timestamp_ms=time,
        payload=dict(change),
    )


def unrecognised_delivery(obj: str, body: Any, raw: bytes) -> InboundEvent:
    """A delivery holding no recognisable event: still stored (once) and recorded."""
    return InboundEvent(
        dedup_key=f"{Dedup.RAW_HASH.value}:{hashlib.sha256(raw).hexdigest()}",
        object=obj,
        kind=EventKind.UNKNOWN,
        entry_id=None,
        sender_id=None,
        recipient_id=None,
        timestamp_ms=None,
        payload=dict(body) if isinstance(body, Mapping) else {"body": body},
    )
