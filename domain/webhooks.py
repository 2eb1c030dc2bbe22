"""Meta webhook deliveries split into events, each with the key that makes it stored once.

META.md: there is no event id header. Messages and postbacks are deduplicated on their `mid`;
`changes` on (field, entry id, time, hash of value); other messaging events on a hash of the
event itself; a delivery with nothing recognisable on a hash of its raw body. `time` and
`timestamp` may be seconds or milliseconds, and may be strings: they are normalised to
milliseconds. Unknown fields are kept (the event is stored whole) and never fail the split.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_KEY_PART = 512
_MESSAGING_KINDS = (
    "message",
    "postback",
    "referral",
    "read",
    "delivery",
    "reaction",
    "optin",
    "account_linking",
    "policy_enforcement",
)


@dataclass(frozen=True, slots=True)
class InboundEvent:
    dedup_key: str
    object: str  # page | instagram | application | permissions | ... (as Meta sent it)
    kind: str  # message, echo, postback, referral, appointment, read, ..., change:<field>, unknown
    entry_id: str | None  # the Page / Instagram account / app the entry is about
    sender_id: str | None
    recipient_id: str | None
    timestamp_ms: int | None
    payload: Mapping[str, Any]  # the event as received (a messaging item or a change)

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


def _id(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
        return str(value)[:MAX_KEY_PART]
    return None


def _messaging_kind(item: Mapping[str, Any]) -> str:
    message = item.get("message")
    if isinstance(message, Mapping):
        if message.get("is_echo"):
            return "echo"
        attachments = message.get("attachments")
        if isinstance(attachments, list) and any(
            isinstance(a, Mapping) and a.get("type") == "appointment_booking" for a in attachments
        ):
            return "appointment"
        return "message"
    for kind in _MESSAGING_KINDS[1:]:
        if kind in item:
            return kind
    return "unknown"


def _messaging_event(obj: str, entry_id: str | None, item: Mapping[str, Any]) -> InboundEvent:
    kind = _messaging_kind(item)
    mid = None
    for field in ("message", "postback", "reaction"):
        inner = item.get(field)
        if isinstance(inner, Mapping) and isinstance(inner.get("mid"), str) and inner["mid"]:
            mid = inner["mid"][:MAX_KEY_PART]
            break
    sender, recipient = _id(item.get("sender")), _id(item.get("recipient"))
    if mid is not None and kind in ("message", "echo", "appointment", "postback"):
        # An appointment's later statuses arrive with new mids; each is its own event.
        key = f"mid:{kind if kind == 'postback' else 'message'}:{mid}"
    else:
        key = f"evt:{_digest(obj, entry_id, item)}"
    return InboundEvent(
        dedup_key=key,
        object=obj,
        kind=kind,
        entry_id=entry_id,
        sender_id=sender,
        recipient_id=recipient,
        timestamp_ms=millis(item.get("timestamp")),
        payload=dict(item),
    )


def _change_event(obj: str, entry: Mapping[str, Any], change: Mapping[str, Any]) -> InboundEvent:
    entry_id = _id(entry.get("id"))
    field = change.get("field")
    field_name = field[:64] if isinstance(field, str) and field else "unknown"
    value = change.get("value")
    time = millis(entry.get("time"))
    return InboundEvent(
        dedup_key=f"chg:{_digest(field_name, entry_id, time, value)}",
        object=obj,
        kind=f"change:{field_name}",
        entry_id=entry_id,
        sender_id=None,
        recipient_id=None,
        timestamp_ms=time,
        payload=dict(change),
    )


def split_delivery(body: Any, raw: bytes) -> list[InboundEvent]:
    """The events of one delivery, in the order Meta sent them.

    `body` is the decoded JSON. A delivery that holds no recognisable event becomes one
    `unknown` event keyed by the hash of `raw`, so it is still stored (once) and recorded.
    """
    events: list[InboundEvent] = []
    obj = "unknown"
    if isinstance(body, Mapping):
        raw_obj = body.get("object")
        obj = raw_obj[:64] if isinstance(raw_obj, str) and raw_obj else "unknown"
        entries = body.get("entry")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping):
                continue
            entry_id = _id(entry.get("id"))
            for field in ("messaging", "standby"):
                items = entry.get(field)
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, Mapping):
                        events.append(_messaging_event(obj, entry_id, item))
            changes = entry.get("changes")
            for change in changes if isinstance(changes, list) else []:
                if isinstance(change, Mapping):
                    events.append(_change_event(obj, entry, change))
    if not events:
        events.append(
            InboundEvent(
                dedup_key=f"raw:{hashlib.sha256(raw).hexdigest()}",
                object=obj,
                kind="unknown",
                entry_id=None,
                sender_id=None,
                recipient_id=None,
                timestamp_ms=None,
                payload=dict(body) if isinstance(body, Mapping) else {"body": body},
            )
        )
    return events
