"""HMAC-signed values: the login `state` we hand to Meta and Meta's `signed_request`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_STATE_PURPOSE = b"salonhub/meta-login-state/v1"
MAX_SIGNED_REQUEST = 8192


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    """Unpadded (or padded) base64url; raises ValueError on anything else."""
    if not text or any(c not in _B64_ALPHABET for c in text.rstrip("=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True, slots=True)
class StateClaims:
    nonce: str
    salon_id: str
    owner_id: str
    expires_at: datetime


class StateSigner:
    """`state` = base64url(JSON claims) "." base64url(HMAC-SHA256(secret, purpose | claims)).

    The signature proves we issued it; the claims bind it to an owner and a salon and say when
    it expires. Single use is enforced by the repository (the nonce is consumed once).
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the signing secret must be at least 16 bytes")
        self._key = hmac.new(secret, _STATE_PURPOSE, hashlib.sha256).digest()

    def _mac(self, payload: str) -> str:
        return _b64encode(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def sign(self, claims: StateClaims) -> str:
        body = {
            "n": claims.nonce,
            "s": claims.salon_id,
            "o": claims.owner_id,
            "e": int(claims.expires_at.timestamp()),
        }
        payload = _b64encode(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, state: str, now: datetime) -> StateClaims | None:
        """The claims when `state` is ours, intact and unexpired; None otherwise."""
        if not state or len(state) > 1024 or not state.isascii() or state.count(".") != 1:
            return None
        payload, mac = state.split(".")
        if not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            return None
        try:
            body: Any = json.loads(_b64decode(payload))
            claims = StateClaims(
                nonce=str(body["n"]),
                salon_id=str(body["s"]),
                owner_id=str(body["o"]),
                expires_at=datetime.fromtimestamp(int(body["e"]), UTC),
            )
        except (ValueError, KeyError, TypeError, OverflowError, OSError):
            return None
        return claims if now < claims.expires_at else None


def parse_signed_request(signed_request: str, app_secret: str) -> dict[str, Any] | None:
    """Meta's `signed_request` (deauthorize, data deletion): the payload when the signature,
    made with the app secret over the payload segment, is right; None otherwise."""
    if not signed_request or len(signed_request) > MAX_SIGNED_REQUEST:
        return None
    if signed_request.count(".") != 1:
        return None
    sig_segment, payload_segment = signed_request.split(".")
    if not app_secret or not signed_request.isascii():
        return None
    try:
        signature = _b64decode(sig_segment)
    except ValueError:
        return None
    # The signature first: nothing unauthenticated is decoded.
    expected = hmac.new(app_secret.encode(), payload_segment.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        payload: Any = json.loads(_b64decode(payload_segment))
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    if str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        return None
    user_id = payload.get("user_id")
    if not isinstance(user_id, str | int) or isinstance(user_id, bool) or not str(user_id):
        return None
    return payload
