"""Meta's deauthorize and data-deletion callbacks (`signed_request`, signed with the app secret).

Both mark every integration of that Meta user `disconnected` and erase what we hold from Meta
for it: tokens (the login is gone, so they are dead), Page and Instagram ids and names, the Meta
user id, and queued cleanups. Data deletion also answers a confirmation code whose status page
(`GET /api/meta/data-deletion/{code}`) says what was done; we keep only a hash of the user id.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, replace

from application.audit_trail import Trail, by_system
from application.meta.config import MetaApp
from application.meta.signing import parse_signed_request
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.audit import changed
from domain.errors import DependencyUnavailable, NotFound, Unauthorized
from domain.meta import DataDeletionRequest, IntegrationStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeletionReceipt:
    url: str
    confirmation_code: str


def _user_hash(user_id: str) -> str:
    return hashlib.sha256(f"meta-user:{user_id}".encode()).hexdigest()


class MetaPrivacy:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, app: MetaApp) -> None:
        self._uow, self._clock, self._app = uow, clock, app

    def _user_id(self, signed_request: str) -> str:
        if not self._app.configured or not self._app.app_secret:
            raise DependencyUnavailable(
                "Facebook & Instagram are not configured on this server.", 3600
            )
        payload = parse_signed_request(signed_request, self._app.app_secret)
        if payload is None:
            raise Unauthorized("The signed_request is missing or its signature is wrong.")
        return str(payload["user_id"])

    async def deauthorize(self, signed_request: str) -> int:
        """The user removed our app: returns how many salons were disconnected."""
        return await self._erase(self._user_id(signed_request), "meta.deauthorize")

    async def delete_data(self, signed_request: str) -> DeletionReceipt:
        user_id = self._user_id(signed_request)
        count = await self._erase(user_id, "meta.data_deletion")
        now = self._clock.now()
        code = secrets.token_hex(8).upper()
        async with self._uow(write=True) as uow:
            await uow.meta_deletions.add_deletion_request(
                DataDeletionRequest(
                    confirmation_code=code,
                    meta_user_hash=_user_hash(user_id),
                    status="completed",
                    salons_affected=count,
                    requested_at=now,
                    completed_at=now,
                )
            )
            await uow.commit()
        return DeletionReceipt(f"{self._app.public_url}/api/meta/data-deletion/{code}", code)

    async def deletion_status(self, confirmation_code: str) -> DataDeletionRequest:
        code = confirmation_code.strip().upper()
        if not code or len(code) > 64 or not code.isalnum():
            raise NotFound("No data-deletion request has that confirmation code.")
        async with self._uow() as uow:
            request = await uow.meta_deletions.get_deletion_request(code)
        if request is None:
            raise NotFound("No data-deletion request has that confirmation code.")
        return request

    async def _erase(self, user_id: str, job: str) -> int:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            integrations = await uow.meta.by_meta_user(user_id)
            # The login is gone, so queued cleanups can do nothing; they hold this user's
            # tokens (also those of salons disconnected earlier while Meta was down).
            for cleanup in await uow.meta_cleanups.cleanups_for_meta_user(user_id):
                await uow.meta_cleanups.delete_cleanup(cleanup.id)
            for integration in integrations:
                for cleanup in await uow.meta_cleanups.cleanups_for_salon(integration.salon_id):
                    await uow.meta_cleanups.delete_cleanup(cleanup.id)
                after = integration.disconnected(now)
                await uow.meta.save(replace(after, version=integration.version + 1))
                trail = Trail(uow, integration.salon_id, by_system(job), now)
                await trail.record(
                    "meta_integration.disconnected",
                    integration.salon_id,
                    {
                        **changed("status", integration.status, IntegrationStatus.DISCONNECTED),
                        **changed("reason", None, job),
                    },
                )
            await uow.commit()
        log.info("%s: %d integration(s) disconnected and erased", job, len(integrations))
        return len(integrations)
