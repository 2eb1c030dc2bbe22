"""The in-memory AccountRepository: owners and their login tokens.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from datetime import datetime

from application.ports.account_repository import AccountRepository
from domain.accounts import Owner
from domain.errors import Conflict

from .store import MemoryState


class InMemoryAccountRepository(AccountRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_owner(self, owner: Owner) -> None:
        if await self.owner_by_email(owner.email) is not None:
            raise Conflict("An account with that email exists.")
        self._s.owners[owner.id] = owner

    async def owner_by_email(self, email: str) -> Owner | None:
        return next((o for o in self._s.owners.values() if o.email == email), None)

    async def add_token(self, token_hash: str, owner_id: str, created_at: datetime) -> None:
        self._s.tokens[token_hash] = (owner_id, False)

    async def owner_id_for_token(self, token_hash: str) -> str | None:
        found = self._s.tokens.get(token_hash)
        return found[0] if found and not found[1] else None

    async def revoke_token(self, token_hash: str) -> None:
        if token_hash in self._s.tokens:
            self._s.tokens[token_hash] = (self._s.tokens[token_hash][0], True)
