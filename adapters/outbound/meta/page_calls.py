"""HttpxMetaGraph's Page calls: accounts, details, webhook subscriptions, the Messenger profile
and FBE installs."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.outbound.meta import wire
from adapters.outbound.meta.calls import GraphCalls, _seg
from application.meta_errors import MetaUnavailable
from application.ports.meta_graph import (
    PAGE_SUBSCRIBED_FIELDS,
    FbeInstall,
    InstagramAccount,
    PageAccount,
    PageDetails,
    SubscribedApp,
)

log = logging.getLogger("adapters.outbound.meta.client")  # the logger's name from before the split


class PageCalls(GraphCalls):
    """The MetaGraph port's Page calls."""

    async def list_pages(self, user_token: str, *, key: str) -> Sequence[PageAccount]:
        pages: list[PageAccount] = []
        after: str | None = None
        seen: set[str] = set()
        for _ in range(self._max_pages):
            params = {"fields": "id,name,access_token,tasks", "access_token": user_token}
            if after is not None:
                params["after"] = after
            got = await self._call("GET", "me/accounts", key, params, wire.ACCOUNTS)
            pages.extend(
                PageAccount(a.id, a.name, a.access_token, tuple(a.tasks)) for a in got.data
            )
            paging = got.paging
            after = paging.cursors.after if paging and paging.cursors else None
            if paging is None or paging.next is None or after is None or after in seen:
                return pages
            seen.add(after)
        log.warning("meta me/accounts stopped after %d pages", self._max_pages)
        return pages

    async def page_details(self, page_id: str, token: str, *, key: str) -> PageDetails:
        params = {
            "fields": "id,name,instagram_business_account{id,username}",
            "access_token": token,
        }
        got = await self._call("GET", _seg(page_id), key, params, wire.PAGE)
        ig = got.instagram_business_account
        return PageDetails(got.id, got.name, InstagramAccount(ig.id, ig.username) if ig else None)

    async def subscribe_page(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        fields: Sequence[str] = PAGE_SUBSCRIBED_FIELDS,
    ) -> None:
        params = {"subscribed_fields": ",".join(fields), "access_token": page_token}
        await self._success("POST", f"{_seg(page_id)}/subscribed_apps", key, params)

    async def page_subscriptions(
        self, page_id: str, page_token: str, *, key: str
    ) -> Sequence[SubscribedApp]:
        params = {"access_token": page_token}
        path = f"{_seg(page_id)}/subscribed_apps"
        got = await self._call("GET", path, key, params, wire.SUBSCRIBED)
        return [SubscribedApp(a.id, a.name, tuple(a.subscribed_fields)) for a in got.data]

    async def unsubscribe_page(self, page_id: str, page_token: str, *, key: str) -> None:
        params = {"access_token": page_token}
        await self._success("DELETE", f"{_seg(page_id)}/subscribed_apps", key, params)

    async def set_messenger_profile(
        self, page_id: str, page_token: str, *, key: str, profile: Mapping[str, Any]
    ) -> None:
        got = await self._call(
            "POST",
            f"{_seg(page_id)}/messenger_profile",
            key,
            {"access_token": page_token},
            wire.RESULT,
            body=dict(profile),
        )
        if got.result != "success":
            raise MetaUnavailable(f"Meta answered result={got.result!r} to messenger_profile")

    async def fbe_installs(
        self, external_business_id: str, token: str, *, key: str
    ) -> Sequence[FbeInstall]:
        params = {"fbe_external_business_id": external_business_id, "access_token": token}
        got = await self._call("GET", "fbe_business/fbe_installs", key, params, wire.INSTALLS)
        return [
            FbeInstall(
                business_manager_id=i.business_manager_id,
                pages=tuple(i.pages),
                instagram_profiles=tuple(i.instagram_profiles),
                installed_features=tuple(
                    f.feature_type for f in i.installed_features if f.feature_type
                ),
            )
            for i in got.data
        ]

    async def delete_fbe_install(self, external_business_id: str, token: str, *, key: str) -> None:
        params = {"fbe_external_business_id": external_business_id, "access_token": token}
        await self._success("DELETE", "fbe_business/fbe_installs", key, params)
