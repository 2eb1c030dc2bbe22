"""Ids and secrets: random, unguessable, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(token: str) -> str:
    """Tokens are high-entropy, so one SHA-256 round is enough to keep them unusable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()
