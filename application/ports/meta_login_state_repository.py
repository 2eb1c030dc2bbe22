from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OAuthState:
    """A `state` handed to Meta's login dialog: single-use, bound to an owner and a salon."""

    nonce: str
    salon_id: str
    owner_id: str
    expires_at: datetime


class MetaLoginStateRepository(Protocol):
    """The login states of Meta's OAuth dialog.

    - `add_state` stores a login state.
    - `consume_state` marks it used and returns it, exactly once: a second call (or a call
      after `expires_at`) returns None, even when racing.
    """

    async def add_state(self, state: OAuthState) -> None: ...

    async def consume_state(self, nonce: str, now: datetime) -> OAuthState | None: ...
