"""Meta says our access is gone: `permissions` revocations and `application` uninstalls.
Idempotent, like every handler (an event may run twice when a lease expires under it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.meta import wording
from application.meta.disconnect import AccessLost
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.webhook_inbox import StoredEvent
from application.webhooks.process import Outcome

# Permissions whose loss stops Messenger or the Page connection.
NEEDED_PERMISSIONS = frozenset(
    {
        "pages_messaging",
        "pages_manage_metadata",
        "pages_show_list",
        "instagram_manage_messages",
        "instagram_basic",
        "manage_business_extension",
    }
)


def _value(event: StoredEvent) -> Mapping[str, Any]:
    value = event.event.payload.get("value")
    return value if isinstance(value, Mapping) else {}


class MetaAccessHandlers:
    """`permissions` revocations and `application` uninstalls: the integration is
    disconnected (the reason kept for the owner) and the owner alerted."""

    def __init__(self, uow: UnitOfWorkFactory, access_lost: AccessLost) -> None:
        self._uow, self._access_lost = uow, access_lost

    async def permissions(self, event: StoredEvent) -> Outcome:
        value = _value(event)
        field = str(event.event.payload.get("field", ""))
        if str(value.get("verb", "")).lower() != "revoked":
            return Outcome("ignored", f"permission {field or '?'} {value.get('verb', '?')}")
        if field and field not in NEEDED_PERMISSIONS:
            return Outcome("ignored", f"permission {field} is not one SalonHub needs")
        user_id = event.event.entry_id
        if user_id is None:
            return Outcome("ignored", "no user id in the entry")
        targets = {str(t) for t in value.get("target_ids") or [] if isinstance(t, str | int)}
        async with self._uow() as uow:
            integrations = list(await uow.meta.by_meta_user(user_id))
        hit = [i for i in integrations if not targets or (i.page and i.page.id in targets)]
        reason = wording.PERMISSION_REMOVED.format(permission=field or "a required")
        dropped = [
            i.salon_id
            for i in hit
            if await self._access_lost(i.salon_id, reason, "meta.permissions")
        ]
        if not dropped:
            return Outcome("ignored", "no connected salon uses that login")
        return Outcome("processed", f"disconnected {len(dropped)} salon(s)", dropped[0])

    async def application(self, event: StoredEvent) -> Outcome:
        field = str(event.event.payload.get("field", ""))
        value = _value(event)
        if field != "business_integration_uninstall" and "uninstall" not in field:
            return Outcome("ignored", f"application change {field or '?'} needs no action")
        external = value.get("external_business_id") or value.get("fbe_external_business_id")
        if not isinstance(external, str) or not external:
            return Outcome("ignored", "no external_business_id in the uninstall")
        reason = wording.EXTENSION_REMOVED
        if await self._access_lost(external, reason, "meta.uninstall"):
            return Outcome("processed", "integration disconnected", external)
        return Outcome("ignored", "no connected salon has that business id")
