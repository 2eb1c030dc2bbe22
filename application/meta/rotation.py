"""`salonhub keys rotate`: re-seal every stored Meta token under the key ring's first key.

Batches commit one at a time, and a token already under the first key is left alone, so an
interrupted pass is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.meta import MetaCleanup, MetaIntegration, cleanup_context, token_context

Row = TypeVar("Row")


@dataclass
class RotationReport:
    checked: int = 0
    rotated: int = 0


class RotateTokenKeys:
    def __init__(self, uow: UnitOfWorkFactory, vault: TokenVault) -> None:
        self._uow, self._vault = uow, vault

    def _rotated(self, sealed: str | None, context: str, report: RotationReport) -> str | None:
        if sealed is None:
            return None
        report.checked += 1
        if not self._vault.needs_rotation(sealed):
            return sealed
        report.rotated += 1
        return self._vault.rotate(sealed, context=context)

    async def run(self, batch: int = 100) -> RotationReport:
        report = RotationReport()

        def integration(row: MetaIntegration) -> MetaIntegration:
            return replace(
                row,
                user_token_sealed=self._rotated(
                    row.user_token_sealed, token_context(row.salon_id, "user_token"), report
                ),
                page_token_sealed=self._rotated(
                    row.page_token_sealed, token_context(row.salon_id, "page_token"), report
                ),
            )

        async def save_integration(
            uow: UnitOfWork, old: MetaIntegration, new: MetaIntegration
        ) -> None:
            # A row written meanwhile is skipped; running the pass again takes it.
            await uow.meta.save_if(replace(new, version=old.version + 1), old.version)

        def cleanup(row: MetaCleanup) -> MetaCleanup:
            return replace(
                row,
                page_token_sealed=self._rotated(
                    row.page_token_sealed, cleanup_context(row.id, "page"), report
                ),
                user_token_sealed=self._rotated(
                    row.user_token_sealed, cleanup_context(row.id, "user"), report
                ),
            )

        async def save_cleanup(uow: UnitOfWork, old: MetaCleanup, new: MetaCleanup) -> None:
            await uow.meta_cleanups.update_cleanup(new)

        await self._pass(
            lambda uow, after: uow.meta.with_tokens(after, batch),
            lambda row: row.salon_id,
            integration,
            save_integration,
            batch,
        )
        await self._pass(
            lambda uow, after: uow.meta_cleanups.cleanups(after, batch),
            lambda row: row.id,
            cleanup,
            save_cleanup,
            batch,
        )
        return report

    async def _pass(
        self,
        page: Callable[[UnitOfWork, str | None], Awaitable[Sequence[Row]]],
        key: Callable[[Row], str],
        rotate: Callable[[Row], Row],
        save: Callable[[UnitOfWork, Row, Row], Awaitable[None]],
        batch: int,
    ) -> None:
        """Every row of one table, a batch per committed unit, keyset-paged by `key`."""
        after: str | None = None
        while True:
            async with self._uow(write=True) as uow:
                rows = await page(uow, after)
                for row in rows:
                    updated = rotate(row)
                    if updated != row:
                        await save(uow, row, updated)
                await uow.commit()
            if len(rows) < batch:
                return
            after = key(rows[-1])
