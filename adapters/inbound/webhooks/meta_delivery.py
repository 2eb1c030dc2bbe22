"""A Meta webhook delivery, from its raw bytes to the events SalonHub stores.

The signature is checked on the raw bytes first (meta_signature.py); the body is decoded with
msgspec (strict JSON: no NaN, no lone surrogates) and walked entry by entry. What each item
is, and the key that stores it once, is the domain's (domain/webhook_kinds.py): odd shapes
are skipped or kept whole, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from domain.errors import BadRequest, Unauthorized
from domain.webhooks import (
    InboundEvent,
    change_event,
    messaging_event,
    meta_id,
    unrecognised_delivery,
)

from .meta_signature import signature_ok

_JSON = msgspec.json.Decoder()
_ITEM_LISTS = ("messaging", "standby")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def split_delivery(body: Any, raw: bytes) -> list[InboundEvent]:
    """The events of one decoded delivery, in the order Meta sent them.

    A delivery that holds no recognisable event becomes one `unknown` event keyed by the hash
    of `raw`, so it is still stored (once) and recorded.
    """
    events: list[InboundEvent] = []
    obj = "unknown"
    if isinstance(body, Mapping):
        raw_obj = body.get("object")
        obj = raw_obj[:64] if isinstance(raw_obj, str) and raw_obj else "unknown"
        for entry in _list(body.get("entry")):
            if not isinstance(entry, Mapping):
                continue
            entry_id = meta_id(entry.get("id"))
            for field in _ITEM_LISTS:
                for item in _list(entry.get(field)):
                    if isinstance(item, Mapping):
                        events.append(messaging_event(obj, entry_id, item))
            for change in _list(entry.get("changes")):
                if isinstance(change, Mapping):
                    events.append(change_event(obj, entry, change))
    return events or [unrecognised_delivery(obj, body, raw)]


class MetaDeliveryParser:
    """Checks a delivery's signature with the app secret, then splits it into events."""

    def __init__(self, app_secret: str) -> None:
        self._secret = app_secret

    def parse(self, raw: bytes, signature: str | None) -> tuple[str, list[InboundEvent]]:
        """The body as text and its events; Unauthorized (bad signature), BadRequest (not
        JSON)."""
        if not signature_ok(raw, signature, self._secret):
            raise Unauthorized("Missing or wrong X-Hub-Signature-256.")
        try:
            body = _JSON.decode(raw)
            text = raw.decode("utf-8")
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
            raise BadRequest("The webhook body is not JSON.") from None
        return text, split_delivery(body, raw)
