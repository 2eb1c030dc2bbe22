"""The login states of Meta's OAuth dialog."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.meta_login_state_repository import MetaLoginStateRepository, OAuthState

from ..errors import guarded_write
from ..tables import meta_oauth_states

_DAY = timedelta(days=1)


class SqlaMetaLoginStateRepository(MetaLoginStateRepository):
    """`meta_oauth_states`; consumed by one conditional UPDATE."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add_state(self, state: OAuthState) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(
                meta_oauth_states.insert().values(
                    nonce=state.nonce,
                    salon_id=state.salon_id,
                    owner_id=state.owner_id,
                    expires_at=state.expires_at,
                    used_at=None,
                )
            )
            # Old states are useless: drop those expired a day ago (keeps the table small).
            await self._conn.execute(
                delete(meta_oauth_states).where(
                    meta_oauth_states.c.expires_at < state.expires_at - _DAY
                )
            )

    async def consume_state(self, nonce: str, now: datetime) -> OAuthState | None:
        s = meta_oauth_states.c
        # One conditional UPDATE: of racing consumers, exactly one sees a row come back.
        result = await self._conn.execute(
            update(meta_oauth_states)
            .where(s.nonce == nonce, s.used_at.is_(None), s.expires_at > now)
            .values(used_at=now)
            .returning(s.nonce, s.salon_id, s.owner_id, s.expires_at)
        )
        row = result.mappings().first()
        if row is None:
            return None
        return OAuthState(row["nonce"], row["salon_id"], row["owner_id"], row["expires_at"])
