"""The key ring of `SALONHUB_ENCRYPTION_KEYS`: comma-separated base64 of 32-byte keys."""

from __future__ import annotations

import base64
import binascii
import hashlib

KEY_SIZE = 32  # AES-256
ENV_NAME = "SALONHUB_ENCRYPTION_KEYS"

_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")


def parse_key_ring(value: str) -> list[bytes]:
    """Decode a comma-separated list of base64 keys (standard or urlsafe, padding optional).

    The first key encrypts; all of them decrypt. Empty items are skipped. Raises `ValueError`
    naming the key's position (never its value) when one is not base64 or not 32 bytes, and
    when the ring is empty.
    """
    items = [item.strip() for item in value.split(",")]
    keys: list[bytes] = []
    for position, item in enumerate(items, start=1):
        if item:
            keys.append(_decode_key(item, position))
    if not keys:
        raise ValueError(f"{ENV_NAME}: no keys given")
    return keys


def key_id(key: bytes) -> str:
    """A short public name for a key: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:8]


def _decode_key(item: str, position: int) -> bytes:
    text = item.translate(_URLSAFE_TO_STANDARD).rstrip("=")
    text += "=" * (-len(text) % 4)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{ENV_NAME}: key {position} is not valid base64") from None
    if len(key) != KEY_SIZE:
        raise ValueError(
            f"{ENV_NAME}: key {position} decodes to {len(key)} bytes; each key must be "
            f"{KEY_SIZE} bytes (generate one with: python3 -c 'import secrets, base64; "
            f"print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')"
        )
    return key
