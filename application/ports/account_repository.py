from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.accounts import Owner


class AccountRepository(Protocol):
    """Owners and their bearer tokens (stored as SHA-256 hashes only).

    `add_owner` raises domain.errors.Conflict when the email is taken (unique key).
    """

    async def add_owner(self, owner: Owner) -> None: ...

    async def owner_by_email(self, email: str) -> Owner | None: ...

    async def add_token(self, token_hash: str, owner_id: str, created_at: datetime) -> None: ...

    async def owner_id_for_token(self, token_hash: str) -> str | None:
        """None for unknown or revoked tokens."""
        ...

    async def revoke_token(self, token_hash: str) -> None: ...
