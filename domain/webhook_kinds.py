"""Every kind of Meta webhook event SalonHub tells apart, in one table.

A row says how the kind is recognised, how its events are deduplicated (META.md: there is no
event id header), and which Page webhook field brings it when SalonHub subscribes to it. The
Page's subscription (`subscribed_fields`) is derived from the table, and the application's
routing table must name a handler (or an ignore reason) for every kind. Adding a kind: a row
here, a route in application/webhooks/routing.py.

Messaging rows are tried in table order, the first match winning: the message rows (message,
echo, appointment) exclude each other, the key rows after them look at items without a message,
in their order, and a catch-all ends the list. Change rows are told apart by the delivery's
`object`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

CHANGE_PREFIX = "change:"  # what a change event is stored and shown as: change:<field>


class EventKind(StrEnum):
    MESSAGE = "message"
    ECHO = "echo"
    APPOINTMENT = "appointment"
    POSTBACK = "postback"
    REFERRAL = "referral"
    READ = "read"
    DELIVERY = "delivery"
    REACTION = "reaction"
    OPTIN = "optin"
    ACCOUNT_LINKING = "account_linking"
    POLICY_ENFORCEMENT = "policy_enforcement"
    PERMISSION_CHANGE = "permission_change"  # object `permissions`
    APP_CHANGE = "app_change"  # object `application` (uninstalls)
    OTHER_CHANGE = "other_change"  # any other object's `changes`
    UNKNOWN = "unknown"  # a messaging item or a delivery SalonHub does not recognise


class Source(Enum):
    MESSAGING = "messaging"  # an item of entry.messaging / entry.standby
    CHANGE = "change"  # an item of entry.changes
    NONE = "none"  # nothing recognisable


class Dedup(Enum):
    MESSAGE_MID = "mid:message"  # the message's mid; echoes and appointments share the space
    POSTBACK_MID = "mid:postback"  # the postback's mid
    ITEM_HASH = "evt"  # a hash of the object, the entry and the item
    CHANGE_HASH = "chg"  # a hash of field, entry id, time and value
    RAW_HASH = "raw"  # a hash of the raw body


Detect = Callable[[str, Mapping[str, Any]], bool]  # (object, item) -> is it this kind


@dataclass(frozen=True, slots=True)
class KindRule:
    kind: EventKind
    source: Source
    detect: Detect
    dedup: Dedup
    subscribe: str | None = None  # the Page webhook field SalonHub subscribes to for it


def _message(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    message = item.get("message")
    return message if isinstance(message, Mapping) else None


def _is_echo(_: str, item: Mapping[str, Any]) -> bool:
    message = _message(item)
    return message is not None and bool(message.get("is_echo"))


def _is_appointment(obj: str, item: Mapping[str, Any]) -> bool:
    attachments = (_message(item) or {}).get("attachments")
    return (
        not _is_echo(obj, item)
        and isinstance(attachments, list)
        and any(
            isinstance(a, Mapping) and a.get("type") == "appointment_booking" for a in attachments
        )
    )


def _is_message(obj: str, item: Mapping[str, Any]) -> bool:
    """A plain message (a text, a quick reply, an attachment): not an echo, not an appointment."""
    return _message(item) is not None and not _is_echo(obj, item) and not _is_appointment(obj, item)


def _has(key: str) -> Detect:
    """An item carrying `key` (and no message: a message with extra keys is a message)."""
    return lambda _, item: _message(item) is None and key in item


def _object(name: str) -> Detect:
    return lambda obj, _: obj == name


def _always(_: str, __: Mapping[str, Any]) -> bool:
    return True


_M, _C = Source.MESSAGING, Source.CHANGE
KINDS: tuple[KindRule, ...] = (
    KindRule(EventKind.MESSAGE, _M, _is_message, Dedup.MESSAGE_MID, "messages"),
    KindRule(EventKind.POSTBACK, _M, _has("postback"), Dedup.POSTBACK_MID, "messaging_postbacks"),
    KindRule(EventKind.REFERRAL, _M, _has("referral"), Dedup.ITEM_HASH, "messaging_referrals"),
    KindRule(EventKind.ECHO, _M, _is_echo, Dedup.MESSAGE_MID, "message_echoes"),
    KindRule(EventKind.APPOINTMENT, _M, _is_appointment, Dedup.MESSAGE_MID),  # via `messages`
    KindRule(EventKind.READ, _M, _has("read"), Dedup.ITEM_HASH),
    KindRule(EventKind.DELIVERY, _M, _has("delivery"), Dedup.ITEM_HASH),
    KindRule(EventKind.REACTION, _M, _has("reaction"), Dedup.ITEM_HASH),
    KindRule(EventKind.OPTIN, _M, _has("optin"), Dedup.ITEM_HASH),
    KindRule(EventKind.ACCOUNT_LINKING, _M, _has("account_linking"), Dedup.ITEM_HASH),
    KindRule(EventKind.POLICY_ENFORCEMENT, _M, _has("policy_enforcement"), Dedup.ITEM_HASH),
    KindRule(EventKind.UNKNOWN, _M, _always, Dedup.ITEM_HASH),  # the last messaging row
    # Permission revocations and uninstalls are app-level subscriptions (the app dashboard).
    KindRule(EventKind.PERMISSION_CHANGE, _C, _object("permissions"), Dedup.CHANGE_HASH),
    KindRule(EventKind.APP_CHANGE, _C, _object("application"), Dedup.CHANGE_HASH),
    KindRule(EventKind.OTHER_CHANGE, _C, _always, Dedup.CHANGE_HASH),  # the last change row
)
RULES: Mapping[EventKind, KindRule] = {rule.kind: rule for rule in KINDS}


def classify(source: Source, obj: str, item: Mapping[str, Any]) -> KindRule:
    """The first row of `source` that recognises the item (the table ends with a catch-all)."""
    return next(r for r in KINDS if r.source is source and r.detect(obj, item))


def subscribed_fields() -> tuple[str, ...]:
    """The Page webhook fields a connected Page is subscribed to, in table order."""
    return tuple(rule.subscribe for rule in KINDS if rule.subscribe is not None)


def stored_kind(label: str, obj: str) -> EventKind:
    """The kind of a stored event from its label (`message`, `change:<field>`, ...)."""
    if label.startswith(CHANGE_PREFIX):
        return classify(Source.CHANGE, obj, {}).kind
    try:
        return EventKind(label)
    except ValueError:
        return EventKind.UNKNOWN
