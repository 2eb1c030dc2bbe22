"""Meta integrations, one row per salon."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.meta_repository import MetaRepository
from domain.meta import (
    Buttons,
    InstagramRef,
    IntegrationStatus,
    MetaIntegration,
    MetaMode,
    PageRef,
    TokenHealth,
)

from ..errors import guarded_write
from ..tables import meta_integrations
from ._sql import dialect_insert

_I = meta_integrations.c


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
