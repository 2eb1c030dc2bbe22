"""Signed, expiring booking references: the `ref` of an m.me / ig.me link, and the token of a
manage link sent in a message (the booking's own manage token is stored only as a hash).

Format: "<kind>1.<booking id>.<expiry, unix seconds base 36>.<HMAC, 16 bytes base64url>",
under 80 characters (m.me allows a `ref` of up to 250).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

_PURPOSE = b"salonhub/booking-ref/v1"
_SHAPE = re.compile(r"^([a-z])1\.([A-Za-z0-9-]{1,64})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$")
LINK = "l"  # "Get my confirmation on Messenger/Instagram"
MANAGE = "m"  # the manage page, from a message


@dataclass(frozen=True, slots=True)
class BookingRef:
    kind: str
    booking_id: str
    expires_at: datetime


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class BookingRefs:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the signing secret must be at least 16 bytes")
        self._key = hmac.new(secret, _PURPOSE, hashlib.sha256).digest()

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, kind: str, booking_id: str, expires_at: datetime) -> str:
        payload = f"{kind}1.{booking_id}.{_b36(int(expires_at.timestamp()))}"
        return f"{payload}.{self._mac(payload)}"

    def verify(self, ref: str, now: datetime, kind: str | None = None) -> BookingRef | None:
        """The booking when `ref` is ours, intact, unexpired (and of `kind`); else None."""
        match = _SHAPE.match(ref) if len(ref) <= 120 else None
        if match is None:
            return None
        payload = ref.rsplit(".", 1)[0]
        if not hmac.compare_digest(match.group(4), self._mac(payload)):
            return None
        expires = datetime.fromtimestamp(int(match.group(3), 36), UTC)
        if now >= expires or (kind is not None and match.group(1) != kind):
            return None
        return BookingRef(match.group(1), match.group(2), expires)
