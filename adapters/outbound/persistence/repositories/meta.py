"""Meta integrations, cleanups, login states, data-deletion requests and owner alerts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.meta_repository import MetaRepository, OAuthState, OwnerAlert
from domain.meta import (
    Buttons,
    DataDeletionRequest,
    InstagramRef,
    IntegrationStatus,
    MetaCleanup,
    MetaIntegration,
    MetaMode,
    PageRef,
    TokenHealth,
)

from ..errors import guarded_write
from ..tables import (
    meta_cleanups,
    meta_data_deletions,
    meta_integrations,
    meta_oauth_states,
    owner_alerts,
)
from ._sql import dialect_insert

_I = meta_integrations.c
_DAY = timedelta(days=1)
_C = meta_cleanups.c


def _integration_values(i: MetaIntegration) -> dict[str, Any]:
    return {
        "salon_id": i.salon_id,
        "status": i.status.value,
        "mode": i.mode.value,
        "meta_user_id": i.meta_user_id,
        "user_token_sealed": i.user_token_sealed,
        "user_token_expires_at": i.user_token_expires_at,
        "page_id": i.page.id if i.page else None,
        "page_name": i.page.name if i.page else None,
        "instagram_id": i.instagram.id if i.instagram else None,
        "instagram_username": i.instagram.username if i.instagram else None,
        "page_token_sealed": i.page_token_sealed,
        "candidate_pages": json.dumps(
            [[p.id, p.name, p.instagram_username] for p in i.candidate_pages]
        ),
        "button_facebook": i.buttons.facebook,
        "button_instagram": i.buttons.instagram,
        "button_messenger": i.buttons.messenger,
        "token_valid": i.token.valid,
        "token_expires_at": i.token.expires_at,
        "data_access_expires_at": i.token.data_access_expires_at,
        "token_checked_at": i.token.checked_at,
        "last_sync_at": i.last_sync_at,
        "sync_error": i.sync_error,
        "version": i.version,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


def _integration(row: RowMapping) -> MetaIntegration:
    page = PageRef(row["page_id"], row["page_name"] or "") if row["page_id"] else None
    instagram = (
        InstagramRef(row["instagram_id"], row["instagram_username"])
        if row["instagram_id"]
        else None
    )
    return MetaIntegration(
        salon_id=row["salon_id"],
        status=IntegrationStatus(row["status"]),
        mode=MetaMode(row["mode"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        meta_user_id=row["meta_user_id"],
        user_token_sealed=row["user_token_sealed"],
        user_token_expires_at=row["user_token_expires_at"],
        page=page,
        instagram=instagram,
        page_token_sealed=row["page_token_sealed"],
        candidate_pages=tuple(
            PageRef(str(p[0]), str(p[1]), p[2]) for p in json.loads(row["candidate_pages"])
        ),
        buttons=Buttons(row["button_facebook"], row["button_instagram"], row["button_messenger"]),
        token=TokenHealth(
            valid=None if row["token_valid"] is None else bool(row["token_valid"]),
            expires_at=row["token_expires_at"],
            data_access_expires_at=row["data_access_expires_at"],
            checked_at=row["token_checked_at"],
        ),
        last_sync_at=row["last_sync_at"],
        sync_error=row["sync_error"],
        version=row["version"],
    )


def _cleanup_values(c: MetaCleanup) -> dict[str, Any]:
    return {
        "id": c.id,
        "salon_id": c.salon_id,
        "page_id": c.page_id,
        "page_token_sealed": c.page_token_sealed,
        "user_token_sealed": c.user_token_sealed,
        "external_business_id": c.external_business_id,
        "revoke": c.revoke,
        "meta_user_id": c.meta_user_id,
        "attempts": c.attempts,
        "next_attempt_at": c.next_attempt_at,
        "last_error": c.last_error,
        "created_at": c.created_at,
    }


def _cleanup(row: RowMapping) -> MetaCleanup:
    return MetaCleanup(
        id=row["id"],
        salon_id=row["salon_id"],
        page_id=row["page_id"],
        page_token_sealed=row["page_token_sealed"],
        user_token_sealed=row["user_token_sealed"],
        external_business_id=row["external_business_id"],
        revoke=bool(row["revoke"]),
        meta_user_id=row["meta_user_id"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
    )


class SqlaMetaRepository(MetaRepository):
    """One row per salon in `meta_integrations`; `page_id` is unique (NULLs allowed)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def _integrations(
        self, *where: Any, order: Any = None, limit: int | None = None
    ) -> list[MetaIntegration]:
        query = select(meta_integrations).where(*where)
        if order is not None:
            query = query.order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        result = await self._conn.execute(query)
        return [_integration(row) for row in result.mappings()]

    async def get(self, salon_id: str) -> MetaIntegration | None:
        rows = await self._integrations(_I.salon_id == salon_id)
        return rows[0] if rows else None

    async def save(self, integration: MetaIntegration) -> None:
        values = _integration_values(integration)
        changes = {k: v for k, v in values.items() if k not in ("salon_id", "created_at")}
        statement = (
            dialect_insert(self._conn, meta_integrations)
            .values(values)
            .on_conflict_do_update(index_elements=[_I.salon_id], set_=changes)
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def save_if(self, integration: MetaIntegration, expected_version: int | None) -> bool:
        values = _integration_values(integration)
        async with guarded_write(self._conn):
            if expected_version is None:
                statement = (
                    dialect_insert(self._conn, meta_integrations)
                    .values(values)
                    .on_conflict_do_nothing(index_elements=[_I.salon_id])
                )
                return bool((await self._conn.execute(statement)).rowcount)
            changes = {k: v for k, v in values.items() if k not in ("salon_id", "created_at")}
            result = await self._conn.execute(
                update(meta_integrations)
                .where(_I.salon_id == integration.salon_id, _I.version == expected_version)
                .values(changes)
            )
            return bool(result.rowcount)

    async def by_page(self, page_id: str) -> MetaIntegration | None:
        rows = await self._integrations(_I.page_id == page_id)
        return rows[0] if rows else None

    async def by_instagram(self, instagram_id: str) -> MetaIntegration | None:
        rows = await self._integrations(_I.instagram_id == instagram_id)
        return rows[0] if rows else None

    async def by_meta_user(self, meta_user_id: str) -> Sequence[MetaIntegration]:
        return await self._integrations(_I.meta_user_id == meta_user_id, order=[_I.salon_id])

    async def due_for_health_check(
        self, checked_before: datetime, limit: int
    ) -> Sequence[MetaIntegration]:
        return await self._integrations(
            _I.status == IntegrationStatus.ACTIVE.value,
            or_(_I.token_checked_at.is_(None), _I.token_checked_at < checked_before),
            order=[_I.token_checked_at.asc().nulls_first(), _I.salon_id],
            limit=limit,
        )

    async def with_tokens(self, after: str | None, limit: int) -> Sequence[MetaIntegration]:
        where = [or_(_I.user_token_sealed.is_not(None), _I.page_token_sealed.is_not(None))]
        if after is not None:
            where.append(_I.salon_id > after)
        return await self._integrations(*where, order=[_I.salon_id], limit=limit)

    # -- cleanups

    async def _cleanups(
        self, *where: Any, order: Any, limit: int | None = None
    ) -> list[MetaCleanup]:
        query = select(meta_cleanups).where(*where).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        result = await self._conn.execute(query)
        return [_cleanup(row) for row in result.mappings()]

    async def add_cleanup(self, cleanup: MetaCleanup) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(meta_cleanups.insert().values(_cleanup_values(cleanup)))

    async def update_cleanup(self, cleanup: MetaCleanup) -> None:
        values = _cleanup_values(cleanup)
        del values["id"]
        await self._conn.execute(update(meta_cleanups).where(_C.id == cleanup.id).values(values))

    async def delete_cleanup(self, cleanup_id: str) -> None:
        await self._conn.execute(delete(meta_cleanups).where(_C.id == cleanup_id))

    async def get_cleanup(self, cleanup_id: str) -> MetaCleanup | None:
        rows = await self._cleanups(_C.id == cleanup_id, order=[_C.id])
        return rows[0] if rows else None

    async def due_cleanups(self, now: datetime, limit: int) -> Sequence[MetaCleanup]:
        return await self._cleanups(
            _C.next_attempt_at <= now, order=[_C.next_attempt_at, _C.id], limit=limit
        )

    async def cleanups(self, after: str | None, limit: int) -> Sequence[MetaCleanup]:
        where = [_C.id > after] if after is not None else []
        return await self._cleanups(*where, order=[_C.id], limit=limit)

    async def cleanups_for_salon(self, salon_id: str) -> Sequence[MetaCleanup]:
        return await self._cleanups(_C.salon_id == salon_id, order=[_C.created_at, _C.id])

    async def cleanups_for_meta_user(self, meta_user_id: str) -> Sequence[MetaCleanup]:
        return await self._cleanups(_C.meta_user_id == meta_user_id, order=[_C.created_at, _C.id])

    # -- login states

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

    # -- data deletion

    async def add_deletion_request(self, request: DataDeletionRequest) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(
                meta_data_deletions.insert().values(
                    confirmation_code=request.confirmation_code,
                    meta_user_hash=request.meta_user_hash,
                    status=request.status,
                    salons_affected=request.salons_affected,
                    requested_at=request.requested_at,
                    completed_at=request.completed_at,
                )
            )

    async def get_deletion_request(self, confirmation_code: str) -> DataDeletionRequest | None:
        result = await self._conn.execute(
            select(meta_data_deletions).where(
                meta_data_deletions.c.confirmation_code == confirmation_code
            )
        )
        row = result.mappings().first()
        if row is None:
            return None
        return DataDeletionRequest(
            confirmation_code=row["confirmation_code"],
            meta_user_hash=row["meta_user_hash"],
            status=row["status"],
            salons_affected=row["salons_affected"],
            requested_at=row["requested_at"],
            completed_at=row["completed_at"],
        )

    # -- alerts

    async def add_alert(self, alert: OwnerAlert, dedup_key: str) -> bool:
        statement = (
            dialect_insert(self._conn, owner_alerts)
            .values(
                id=alert.id,
                salon_id=alert.salon_id,
                kind=alert.kind,
                message=alert.message,
                dedup_key=dedup_key,
                created_at=alert.created_at,
            )
            .on_conflict_do_nothing(index_elements=[owner_alerts.c.dedup_key])
        )
        result = await self._conn.execute(statement)
        return bool(result.rowcount)

    async def alerts(self, salon_id: str, limit: int = 20) -> Sequence[OwnerAlert]:
        a = owner_alerts.c
        result = await self._conn.execute(
            select(owner_alerts)
            .where(a.salon_id == salon_id)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(limit)
        )
        return [
            OwnerAlert(r["id"], r["salon_id"], r["kind"], r["message"], r["created_at"])
            for r in result.mappings()
        ]
