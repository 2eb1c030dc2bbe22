"""HttpxMetaGraph: the MetaGraph port over an injected httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from adapters.outbound.meta import wire
from adapters.outbound.meta.redaction import install_httpx_log_filter
from adapters.outbound.meta.resilience import CircuitBreakers, RetryPolicy
from adapters.outbound.meta.transport import GraphTransport, Params
from adapters.outbound.meta.usage import UsageTracker
from application.meta_errors import MetaUnavailable
from application.ports.meta_graph import (
    PAGE_SUBSCRIBED_FIELDS,
    FbeInstall,
    InstagramAccount,
    MessagingType,
    MetaGraph,
    MetaUsage,
    MetaUser,
    PageAccount,
    PageDetails,
    QuickReply,
    SentMessage,
    SubscribedApp,
    TokenInfo,
    UserAccessToken,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


def _version(version: str) -> str:
    return version if version.startswith("v") else f"v{version}"


def _seg(value: str) -> str:
    return quote(value, safe="")


class HttpxMetaGraph(MetaGraph):
    """Meta's Graph API at `base_url`/`version`. See application.ports.meta_graph.MetaGraph.

    Knobs: `retry` (attempts and backoff caps), `failure_threshold`/`cool_down` (circuit
    breaker per key), `slow_from`/`max_slowdown`/`usage_block_seconds` (usage headers);
    `sleep`, `random` and `clock` (monotonic seconds) are injectable for tests.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        app_id: str,
        app_secret: str,
        version: str = "v26.0",
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        failure_threshold: int = 5,
        cool_down: float = 30.0,
        slow_from: float = 80.0,
        max_slowdown: float = 2.0,
        usage_block_seconds: float = 60.0,
        max_pages: int = 100,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._root = f"{base_url.rstrip('/')}/{_version(version)}"
        self._app_id = app_id
        self._app_secret = app_secret
        self._usage = UsageTracker(
            clock,
            slow_from=slow_from,
            max_slowdown=max_slowdown,
            block_seconds=usage_block_seconds,
        )
        self._transport = GraphTransport(
            client,
            root=self._root,
            timeout=timeout,
            secrets=[app_secret],
            retry=retry or RetryPolicy(),
            breakers=CircuitBreakers(
                clock, failure_threshold=failure_threshold, cool_down=cool_down
            ),
            usage=self._usage,
            sleep=sleep,
            random=random,
        )
        self._max_pages = max_pages
        install_httpx_log_filter()

    def __repr__(self) -> str:
        return f"HttpxMetaGraph(root={self._root!r}, app_id={self._app_id!r})"

    # -- the port ---------------------------------------------------------------------------

    async def exchange_code(self, code: str, *, redirect_uri: str, key: str) -> UserAccessToken:
        params = {
            "client_id": self._app_id,
            "redirect_uri": redirect_uri,
            "client_secret": self._app_secret,
            "code": code,
        }
        got = await self._call("GET", "oauth/access_token", key, params, wire.TOKEN)
        return UserAccessToken(got.access_token, got.token_type, got.expires_in)

    async def exchange_long_lived(self, short_lived_token: str, *, key: str) -> UserAccessToken:
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": self._app_id,
            "client_secret": self._app_secret,
            "fb_exchange_token": short_lived_token,
        }
        got = await self._call("GET", "oauth/access_token", key, params, wire.TOKEN)
        return UserAccessToken(got.access_token, got.token_type, got.expires_in)

    async def me(self, user_token: str, *, key: str) -> MetaUser:
        params = {"fields": "id,name", "access_token": user_token}
        got = await self._call("GET", "me", key, params, wire.ME)
        return MetaUser(got.id, got.name)

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

    async def debug_token(self, input_token: str, *, key: str) -> TokenInfo:
        params = {
            "input_token": input_token,
            "access_token": f"{self._app_id}|{self._app_secret}",
        }
        d = (await self._call("GET", "debug_token", key, params, wire.DEBUG)).data
        return TokenInfo(
            is_valid=d.is_valid,
            app_id=d.app_id,
            user_id=d.user_id,
            type=d.type,
            expires_at=d.expires_at,
            data_access_expires_at=d.data_access_expires_at,
            scopes=tuple(d.scopes),
            error_code=d.error.code if d.error else None,
            error_subcode=d.error.subcode if d.error else None,
        )

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

    async def revoke_permissions(self, user_token: str, *, key: str) -> None:
        await self._success("DELETE", "me/permissions", key, {"access_token": user_token})

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

    async def send_message(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        recipient_id: str,
        text: str,
        messaging_type: MessagingType = "RESPONSE",
        tag: str | None = None,
        quick_replies: Sequence[QuickReply] = (),
        metadata: str | None = None,
    ) -> SentMessage:
        message: dict[str, Any] = {"text": text}
        if quick_replies:
            message["quick_replies"] = [
                {"content_type": "text", "title": q.title, "payload": q.payload}
                for q in quick_replies
            ]
        if metadata is not None:
            message["metadata"] = metadata
        body: dict[str, Any] = {
            "recipient": {"id": recipient_id},
            "messaging_type": messaging_type,
            "message": message,
        }
        if tag is not None:
            body["tag"] = tag
        return await self._post_message(page_id, page_token, key, body)

    async def send_utility(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        recipient_id: str,
        template: str,
        language: str,
        values: Sequence[str],
    ) -> SentMessage:
        body: dict[str, Any] = {
            "recipient": {"id": recipient_id},
            "messaging_type": "UTILITY",
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "utility",
                        "template_name": template,
                        "language": language,
                        "parameters": [{"type": "text", "text": v} for v in values],
                    },
                }
            },
        }
        return await self._post_message(page_id, page_token, key, body)

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

    async def _post_message(
        self, page_id: str, page_token: str, key: str, body: dict[str, Any]
    ) -> SentMessage:
        """POST /{page-id}/messages: not retried (a retry could deliver twice)."""
        got = await self._call(
            "POST",
            f"{_seg(page_id)}/messages",
            key,
            {"access_token": page_token},
            wire.SEND,
            body=body,
            idempotent=False,
        )
        return SentMessage(got.recipient_id, got.message_id)

    def usage(self, key: str) -> MetaUsage | None:
        return self._usage.latest(key)

    # -- helpers ----------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        key: str,
        params: Params,
        decoder: msgspec.json.Decoder[T],
        *,
        body: Any = None,
        idempotent: bool = True,
    ) -> T:
        return await self._transport.call(
            method, path, key, params, decoder, body=body, idempotent=idempotent
        )

    async def _success(self, method: str, path: str, key: str, params: Params) -> None:
        got = await self._call(method, path, key, params, wire.SUCCESS)
        if not got.success:
            raise MetaUnavailable(f"Meta answered success=false to {method} {path}")
