"""Meta's `X-Hub-Signature-256`: checked on the raw bytes, before anything is decoded."""

from __future__ import annotations

import hashlib
import hmac


def signature_ok(raw: bytes, header: str | None, app_secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`."""
    if not header or not app_secret:
        return False
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given or not given.isascii():
        return False
    expected = hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.strip().lower(), expected)
