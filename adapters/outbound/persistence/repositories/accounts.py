"""Owners and their bearer tokens (SHA-256 hashes only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.account_repository import AccountRepository
from domain.accounts import Owner

from ..errors import guarded_write
from ..tables import auth_tokens, owners


class SqlaAccountRepository(AccountRepository):
    """The email is a unique key; a revoked token keeps its row with `revoked_at` set."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add_owner(self, owner: Owner) -> None:
        statement = insert(owners).values(
            id=owner.id,
            email=owner.email,
            password_hash=owner.password_hash,
            created_at=owner.created_at,
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def owner_by_email(self, email: str) -> Owner | None:
        result = await self._conn.execute(select(owners).where(owners.c.email == email))
        row = result.mappings().first()
        if row is None:
            return None
        return Owner(
            id=row["id"],
            email=row["email"],
            password_hash=row["password_hash"],
            created_at=row["created_at"],
        )

    async def add_token(self, token_hash: str, owner_id: str, created_at: datetime) -> None:
        statement = insert(auth_tokens).values(
            token_hash=token_hash, owner_id=owner_id, created_at=created_at
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def owner_id_for_token(self, token_hash: str) -> str | None:
        owner_id = await self._conn.scalar(
            select(auth_tokens.c.owner_id).where(
                auth_tokens.c.token_hash == token_hash, auth_tokens.c.revoked_at.is_(None)
            )
        )
        return None if owner_id is None else str(owner_id)

    async def revoke_token(self, token_hash: str) -> None:
        await self._conn.execute(
            update(auth_tokens)
            .where(auth_tokens.c.token_hash == token_hash, auth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
