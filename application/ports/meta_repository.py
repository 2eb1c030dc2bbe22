from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.meta import MetaIntegration


class MetaRepository(Protocol):
    """Meta integrations, one per salon (cleanups, login states, data-deletion requests and
    owner alerts have ports of their own).

    - `save` inserts or replaces the salon's integration (keeping the stored `created_at`). A
      Page id is unique across integrations: saving a Page another salon holds raises
      domain.errors.Conflict. The connected `page`'s `instagram_username` is not kept (that
      account is `instagram`); it is kept for each of `candidate_pages`.
    - `by_page` / `by_meta_user` find integrations by their current Page / Meta user.
    - `due_for_health_check` answers active integrations whose token was never checked or was
      last checked before `checked_before`, oldest check first.
    - `with_tokens` pages through integrations holding any sealed token, by salon id, after
      `after` (exclusive): the key-rotation pass.
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
