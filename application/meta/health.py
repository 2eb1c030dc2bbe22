"""Token health: `debug_token` on each active integration's Page token.

The daily job (`check_due`) and the status page (`refresh`, when the last check is older than a
minute) share this. A dead token (is_valid false, or 190) turns the integration to `error` with
the reason in plain words and queues an owner alert; data access ending within 7 days queues a
warning alert once per expiry date. Meta being down changes nothing (the next run retries).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from application.meta import wording
from application.meta.sealed import open_sealed
from application.meta_errors import (
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)
from application.ports.clock import Clock
from application.ports.meta_graph import MetaGraph, TokenInfo
from application.ports.owner_alert_repository import OwnerAlert
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import new_id
from domain.meta import IntegrationStatus, MetaIntegration, TokenHealth, token_context

log = logging.getLogger(__name__)

DAILY = timedelta(hours=20)  # "daily", with slack so a job that runs every 24 h never skips one
_TICK = timedelta(microseconds=1)


def _instant(seconds: int | None) -> datetime | None:
    if not seconds or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def health_of(info: TokenInfo, now: datetime) -> TokenHealth:
    return TokenHealth(
        valid=info.is_valid,
        expires_at=_instant(info.expires_at),
        data_access_expires_at=_instant(info.data_access_expires_at),
        checked_at=now,
    )


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    integration: MetaIntegration
    result: str  # "ok" | "invalid" | "unreachable" | "skipped"

    @property
    def unreachable(self) -> bool:
        return self.result == "unreachable"


class TokenChecks:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, graph: MetaGraph, vault: TokenVault
    ) -> None:
        self._uow, self._clock, self._graph, self._vault = uow, clock, graph, vault

    async def check_due(self, limit: int = 500, *, everything: bool = False) -> dict[str, int]:
        """The daily job: every active integration not checked in the last ~day
        (`everything`: every active integration, now — the operator's manual run)."""
        now = self._clock.now()
        max_age = timedelta(0) if everything else DAILY
        async with self._uow() as uow:
            due = await uow.meta.due_for_health_check(now - max_age + _TICK, limit)
        counts = {"ok": 0, "invalid": 0, "unreachable": 0, "skipped": 0}
        for integration in due:
            outcome = await self.refresh(integration, max_age=max_age)
            counts[outcome.result] += 1
        return counts

    async def refresh(self, integration: MetaIntegration, *, max_age: timedelta) -> CheckOutcome:
        now = self._clock.now()
        checked = integration.token.checked_at
        if integration.status != IntegrationStatus.ACTIVE or (
            checked is not None and max_age and now - checked < max_age
        ):
            return CheckOutcome(integration, "skipped")
        token = self._page_token(integration)
        reason: str | None = None
        health = integration.token
        if token is None:
            reason = wording.PAGE_TOKEN_UNREADABLE
        else:
            try:
                info = await self._graph.debug_token(token, key=integration.salon_id)
            except (MetaUnavailable, MetaRateLimited) as exc:
                log.info("token check for salon %s postponed: %s", integration.salon_id, exc)
                return CheckOutcome(integration, "unreachable")
            except MetaTokenInvalid as exc:
                reason = wording.token_death_reason(exc.subcode)
            except MetaPermissionMissing:
                reason = wording.PERMISSION_REASON
            except MetaError as exc:
                log.warning("token check for salon %s failed: %s", integration.salon_id, exc)
                return CheckOutcome(integration, "unreachable")
            else:
                health = health_of(info, now)
                if not info.is_valid:
                    reason = wording.token_death_reason(info.error_subcode)
        if reason is not None:
            health = replace(health, valid=False, checked_at=now)
        return await self._record(integration, health, reason, now)

    async def _record(
        self,
        integration: MetaIntegration,
        health: TokenHealth,
        reason: str | None,
        now: datetime,
    ) -> CheckOutcome:
        async with self._uow(write=True) as uow:
            current = await uow.meta.get(integration.salon_id)
            if (
                current is None
                or current.status != IntegrationStatus.ACTIVE
                or current.version != integration.version
            ):
                # Changed meanwhile (disconnected, reconnected with a new token): this verdict
                # was about a token the integration no longer holds.
                return CheckOutcome(current or integration, "skipped")
            updated = replace(current, token=health, updated_at=now)
            if reason is not None:
                updated = updated.failed(reason, now)
                await uow.alerts.add_alert(
                    OwnerAlert(new_id(), current.salon_id, "meta_token_invalid", reason, now),
                    dedup_key=f"meta_token_invalid:{current.salon_id}:{now.date().isoformat()}",
                )
            elif health.data_access_ending(now) and health.data_access_expires_at is not None:
                day = health.data_access_expires_at.date().isoformat()
                await uow.alerts.add_alert(
                    OwnerAlert(
                        new_id(),
                        current.salon_id,
                        "meta_data_access_expiring",
                        wording.data_access_alert(day),
                        now,
                    ),
                    dedup_key=f"meta_data_access_expiring:{current.salon_id}:{day}",
                )
            if not await uow.meta.save_if(
                replace(updated, version=current.version + 1), current.version
            ):
                return CheckOutcome(current, "skipped")
            await uow.commit()
        return CheckOutcome(updated, "invalid" if reason else "ok")

    def _page_token(self, integration: MetaIntegration) -> str | None:
        return open_sealed(
            self._vault,
            integration.page_token_sealed,
            token_context(integration.salon_id, "page_token"),
        )
