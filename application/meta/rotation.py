"""`salonhub keys rotate`: re-seal every stored Meta token under the key ring's first key.

Batches commit one at a time, and a token already under the first key is left alone, so an
interrupted pass is finished by running it again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.meta import cleanup_context, token_context


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
        after: str | None = None
        while True:
            async with self._uow(write=True) as uow:
                rows = await uow.meta.with_tokens(after, batch)
                for row in rows:
                    updated = replace(
                        row,
                        user_token_sealed=self._rotated(
                            row.user_token_sealed, token_context(row.salon_id, "user_token"), report
                        ),
                        page_token_sealed=self._rotated(
                            row.page_token_sealed, token_context(row.salon_id, "page_token"), report
                        ),
                    )
                    if updated != row:
                        # A row written meanwhile is skipped; running the pass again takes it.
                        await uow.meta.save_if(
                            replace(updated, version=row.version + 1), row.version
                        )
                await uow.commit()
            if len(rows) < batch:
                break
            after = rows[-1].salon_id
        after = None
        while True:
            async with self._uow(write=True) as uow:
                cleanups = await uow.meta.cleanups(after, batch)
                for cleanup in cleanups:
                    updated_cleanup = replace(
                        cleanup,
                        page_token_sealed=self._rotated(
                            cleanup.page_token_sealed, cleanup_context(cleanup.id, "page"), report
                        ),
                        user_token_sealed=self._rotated(
                            cleanup.user_token_sealed, cleanup_context(cleanup.id, "user"), report
                        ),
                    )
                    if updated_cleanup != cleanup:
                        await uow.meta.update_cleanup(updated_cleanup)
                await uow.commit()
            if len(cleanups) < batch:
                break
            after = cleanups[-1].id
        return report
