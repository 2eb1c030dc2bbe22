"""In-memory MetaRepository over a MemoryState (the transaction's working copy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from application.ports.meta_repository import MetaRepository, OAuthState, OwnerAlert
from domain.errors import Conflict
from domain.meta import DataDeletionRequest, IntegrationStatus, MetaCleanup, MetaIntegration

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

    async def add_cleanup(self, cleanup: MetaCleanup) -> None:
        if cleanup.id in self._s.meta_cleanups:
            raise Conflict("That Meta cleanup is already stored.")
        self._s.meta_cleanups[cleanup.id] = cleanup

    async def update_cleanup(self, cleanup: MetaCleanup) -> None:
        if cleanup.id in self._s.meta_cleanups:
            self._s.meta_cleanups[cleanup.id] = cleanup

    async def delete_cleanup(self, cleanup_id: str) -> None:
        self._s.meta_cleanups.pop(cleanup_id, None)

    async def get_cleanup(self, cleanup_id: str) -> MetaCleanup | None:
        return self._s.meta_cleanups.get(cleanup_id)

    async def due_cleanups(self, now: datetime, limit: int) -> Sequence[MetaCleanup]:
        due = [c for c in self._s.meta_cleanups.values() if c.next_attempt_at <= now]
        due.sort(key=lambda c: (c.next_attempt_at, c.id))
        return due[:limit]

    async def cleanups(self, after: str | None, limit: int) -> Sequence[MetaCleanup]:
        rows = sorted(
            (c for c in self._s.meta_cleanups.values() if after is None or c.id > after),
            key=lambda c: c.id,
        )
        return rows[:limit]

    async def cleanups_for_salon(self, salon_id: str) -> Sequence[MetaCleanup]:
        rows = [c for c in self._s.meta_cleanups.values() if c.salon_id == salon_id]
        rows.sort(key=lambda c: (c.created_at, c.id))
        return rows

    async def cleanups_for_meta_user(self, meta_user_id: str) -> Sequence[MetaCleanup]:
        rows = [c for c in self._s.meta_cleanups.values() if c.meta_user_id == meta_user_id]
        rows.sort(key=lambda c: (c.created_at, c.id))
        return rows

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

    async def add_deletion_request(self, request: DataDeletionRequest) -> None:
        if request.confirmation_code in self._s.meta_deletions:
            raise Conflict("That confirmation code is already stored.")
        self._s.meta_deletions[request.confirmation_code] = request

    async def get_deletion_request(self, confirmation_code: str) -> DataDeletionRequest | None:
        return self._s.meta_deletions.get(confirmation_code)

    async def add_alert(self, alert: OwnerAlert, dedup_key: str) -> bool:
        if dedup_key in self._s.owner_alerts:
            return False
        self._s.owner_alerts[dedup_key] = alert
        return True

    async def alerts(self, salon_id: str, limit: int = 20) -> Sequence[OwnerAlert]:
        rows = [a for a in self._s.owner_alerts.values() if a.salon_id == salon_id]
        rows.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return rows[:limit]
