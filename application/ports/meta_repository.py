from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.meta import DataDeletionRequest, MetaCleanup, MetaIntegration


@dataclass(frozen=True, slots=True)
class OAuthState:
    """A `state` handed to Meta's login dialog: single-use, bound to an owner and a salon."""

    nonce: str
    salon_id: str
    owner_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class OwnerAlert:
    id: str
    salon_id: str
    kind: str  # e.g. "meta_token_invalid", "meta_data_access_expiring"
    message: str
    created_at: datetime


class MetaRepository(Protocol):
    """Meta integrations (one per salon), cleanups owed to Meta, login states, data-deletion
    requests and owner alerts.

    - `save` inserts or replaces the salon's integration (keeping the stored `created_at`). A
      Page id is unique across integrations: saving a Page another salon holds raises
      domain.errors.Conflict. The connected `page`'s `instagram_username` is not kept (that
      account is `instagram`); it is kept for each of `candidate_pages`.
    - `by_page` / `by_meta_user` find integrations by their current Page / Meta user.
    - `due_for_health_check` answers active integrations whose token was never checked or was
      last checked before `checked_before`, oldest check first.
    - `with_tokens` pages through integrations holding any sealed token, by salon id, after
      `after` (exclusive): the key-rotation pass.
    - `add_state` stores a login state; `consume_state` marks it used and returns it, exactly
      once: a second call (or a call after `expires_at`) returns None, even when racing.
    - `add_alert` records an owner alert once per `dedup_key`; it returns False (and stores
      nothing) when that key exists.
    """

    async def get(self, salon_id: str) -> MetaIntegration | None: ...

    async def save(self, integration: MetaIntegration) -> None: ...

    async def save_if(self, integration: MetaIntegration, expected_version: int | None) -> bool:
        """Write `integration` only if the stored row is still at `expected_version` (None: only
        if there is no row). False (nothing written) when another write came first. Page
        uniqueness raises Conflict as in `save`."""
        ...

    async def by_page(self, page_id: str) -> MetaIntegration | None: ...

    async def by_instagram(self, instagram_id: str) -> MetaIntegration | None: ...

    async def by_meta_user(self, meta_user_id: str) -> Sequence[MetaIntegration]: ...

    async def due_for_health_check(
        self, checked_before: datetime, limit: int
    ) -> Sequence[MetaIntegration]: ...

    async def with_tokens(self, after: str | None, limit: int) -> Sequence[MetaIntegration]: ...

    async def add_cleanup(self, cleanup: MetaCleanup) -> None: ...

    async def update_cleanup(self, cleanup: MetaCleanup) -> None: ...

    async def delete_cleanup(self, cleanup_id: str) -> None: ...

    async def get_cleanup(self, cleanup_id: str) -> MetaCleanup | None: ...

    async def due_cleanups(self, now: datetime, limit: int) -> Sequence[MetaCleanup]:
        """Cleanups whose `next_attempt_at` has come, oldest first."""
        ...

    async def cleanups(self, after: str | None, limit: int) -> Sequence[MetaCleanup]:
        """Every cleanup by id after `after` (exclusive): the key-rotation pass."""
        ...

    async def cleanups_for_salon(self, salon_id: str) -> Sequence[MetaCleanup]: ...

    async def cleanups_for_meta_user(self, meta_user_id: str) -> Sequence[MetaCleanup]: ...

    async def add_state(self, state: OAuthState) -> None: ...

    async def consume_state(self, nonce: str, now: datetime) -> OAuthState | None: ...

    async def add_deletion_request(self, request: DataDeletionRequest) -> None: ...

    async def get_deletion_request(self, confirmation_code: str) -> DataDeletionRequest | None: ...

    async def add_alert(self, alert: OwnerAlert, dedup_key: str) -> bool: ...

    async def alerts(self, salon_id: str, limit: int = 20) -> Sequence[OwnerAlert]:
        """The salon's alerts, newest first."""
        ...
