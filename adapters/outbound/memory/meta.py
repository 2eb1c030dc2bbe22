"""In-memory MetaRepository (the integrations) over a MemoryState (the transaction's working
copy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from application.ports.meta_repository import MetaRepository
from domain.errors import Conflict
from domain.meta import IntegrationStatus, MetaIntegration

from .store import MemoryState


class InMemoryMetaRepository(MetaRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def get(self, salon_id: str) -> MetaIntegration | None:
        return self._s.meta_integrations.get(salon_id)

    async def save(self, integration: MetaIntegration) -> None:
        if integration.page is not None:
            holder = await self.by_page(integration.page.id)
            if holder is not None and holder.salon_id != integration.salon_id:
                raise Conflict("That Facebook Page is already connected to another SalonHub salon.")
        if integration.page is not None and integration.page.instagram_username is not None:
            integration = replace(
                integration, page=replace(integration.page, instagram_username=None)
            )
        existing = self._s.meta_integrations.get(integration.salon_id)
        if existing is not None:
            integration = replace(integration, created_at=existing.created_at)
        self._s.meta_integrations[integration.salon_id] = integration

    async def save_if(self, integration: MetaIntegration, expected_version: int | None) -> bool:
        existing = self._s.meta_integrations.get(integration.salon_id)
        if (existing is None) != (expected_version is None):
            return False
        if existing is not None and existing.version != expected_version:
            return False
        await self.save(integration)
        return True

    async def by_page(self, page_id: str) -> MetaIntegration | None:
        return next(
            (
                i
                for i in self._s.meta_integrations.values()
                if i.page is not None and i.page.id == page_id
            ),
            None,
        )

    async def by_instagram(self, instagram_id: str) -> MetaIntegration | None:
        return next(
            (
                i
                for i in self._s.meta_integrations.values()
                if i.instagram is not None and i.instagram.id == instagram_id
            ),
            None,
        )

    async def by_meta_user(self, meta_user_id: str) -> Sequence[MetaIntegration]:
        return sorted(
            (i for i in self._s.meta_integrations.values() if i.meta_user_id == meta_user_id),
            key=lambda i: i.salon_id,
        )

    async def due_for_health_check(
        self, checked_before: datetime, limit: int
    ) -> Sequence[MetaIntegration]:
        due = [
            i
            for i in self._s.meta_integrations.values()
            if i.status == IntegrationStatus.ACTIVE
            and (i.token.checked_at is None or i.token.checked_at < checked_before)
        ]
        due.sort(
            key=lambda i: (
                i.token.checked_at is not None,
                i.token.checked_at.timestamp() if i.token.checked_at else 0.0,
                i.salon_id,
            )
        )
        return due[:limit]

    async def with_tokens(self, after: str | None, limit: int) -> Sequence[MetaIntegration]:
        rows = sorted(
            (
                i
                for i in self._s.meta_integrations.values()
                if (i.user_token_sealed is not None or i.page_token_sealed is not None)
                and (after is None or i.salon_id > after)
            ),
            key=lambda i: i.salon_id,
        )
        return rows[:limit]
