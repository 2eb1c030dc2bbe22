"""The in-memory MetaLoginStateRepository over a MemoryState."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports.meta_login_state_repository import MetaLoginStateRepository, OAuthState
from domain.errors import Conflict

from .store import MemoryState


class InMemoryMetaLoginStateRepository(MetaLoginStateRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_state(self, state: OAuthState) -> None:
        if state.nonce in self._s.meta_states:
            raise Conflict("That login state is already stored.")
        cutoff = state.expires_at - timedelta(days=1)
        for nonce, (old, _used) in list(self._s.meta_states.items()):
            if old.expires_at < cutoff:
                del self._s.meta_states[nonce]
        self._s.meta_states[state.nonce] = (state, False)

    async def consume_state(self, nonce: str, now: datetime) -> OAuthState | None:
        stored = self._s.meta_states.get(nonce)
        if stored is None or stored[1] or stored[0].expires_at <= now:
            return None
        self._s.meta_states[nonce] = (stored[0], True)
        return stored[0]
