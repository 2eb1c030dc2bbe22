"""Regression tests from the review of the Meta connection: a disconnect (or a reconnect) that
lands while a use case is talking to Meta must win, and no unauthenticated input may 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from application.meta.integrations import ConnectionChanged
from application.ports.meta_graph import PageDetails, TokenInfo
from domain.errors import Unauthorized
from domain.meta import IntegrationStatus
from entrypoints.http import build_app

from .test_meta_lifecycle import (  # noqa: F401 - fixtures
    ANNEX,
    GLOW,
    World,
    clock,
    connected,
    log_in,
    meta,
    stored,
    w,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


async def test_disconnect_during_a_multi_page_login_is_not_undone(w: World) -> None:
    await connected(w, GLOW)
    graph = w.meta.graph
    original = graph.page_details

    async def page_details(page_id: str, token: str, *, key: str) -> PageDetails:
        graph.page_details = original  # type: ignore[method-assign]
        await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)
        return await original(page_id, token, key=key)

    graph.page_details = page_details  # type: ignore[method-assign]
    outcome = await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW, ANNEX])
    assert (outcome.result, outcome.error) == ("error", "changed")
    after = await stored(w.uow, w.salon_id)
    assert after.status == IntegrationStatus.DISCONNECTED
    assert after.page_token_sealed is None and after.user_token_sealed is None


async def test_disconnect_during_select_page_is_not_undone(w: World) -> None:
    assert (await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW, ANNEX])).result == "select_page"
    graph = w.meta.graph
    original = graph.debug_token

    async def debug_token(input_token: str, *, key: str) -> TokenInfo:
        graph.debug_token = original  # type: ignore[method-assign]
        info = await original(input_token, key=key)
        await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)
        return info

    graph.debug_token = debug_token  # type: ignore[method-assign]
    with pytest.raises(ConnectionChanged):
        await w.c.use_cases.meta_select_page(w.owner, w.salon_id, GLOW)
    after = await stored(w.uow, w.salon_id)
    assert after.status == IntegrationStatus.DISCONNECTED
    assert after.page_token_sealed is None and after.user_token_sealed is None


async def test_a_token_verdict_does_not_land_on_a_fresh_reconnect(w: World) -> None:
    await connected(w, GLOW)
    graph = w.meta.graph
    original = graph.debug_token
    done: dict[str, Any] = {}

    async def debug_token(input_token: str, *, key: str) -> TokenInfo:
        if not done:
            done["reconnect"] = True
            await w.meta.call("POST", "tokens/kill", {"subcode": 460})
            assert (await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW])).result == "connected"
        return await original(input_token, key=key)

    graph.debug_token = debug_token  # type: ignore[method-assign]
    counts = await w.c.use_cases.meta_token_checks.check_due(everything=True)
    graph.debug_token = original  # type: ignore[method-assign]
    assert counts["invalid"] == 0 and counts["skipped"] == 1
    after = await stored(w.uow, w.salon_id)
    assert after.status == IntegrationStatus.ACTIVE and after.sync_error is None


@pytest.mark.parametrize("payload", [b"[" * 3000, b'{"a":' * 1500, b"\xff\xfe", b"null"])
async def test_unsigned_garbage_never_reaches_the_json_decoder(w: World, payload: bytes) -> None:
    with pytest.raises(Unauthorized):
        await w.c.use_cases.meta_privacy.deauthorize("AAAA." + b64(payload))
    async with AsyncTestClient(app=build_app(w.c)) as client:
        for path in ("/api/meta/deauthorize", "/api/meta/data-deletion"):
            r = await client.post(path, data={"signed_request": "AAAA." + b64(payload)})
            assert r.status_code == 401, r.text
            assert r.json()["error"]["code"] == "unauthorized"


async def test_a_connect_refused_by_a_racing_disconnect_leaves_nothing_subscribed(
    w: World,
) -> None:
    """Subscribing the Page is a side effect after commit (the sync): a connect whose write is
    refused leaves the Page unsubscribed at Meta and owes no sync."""
    assert (await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW, ANNEX])).result == "select_page"
    graph = w.meta.graph
    original = graph.debug_token

    async def debug_token(input_token: str, *, key: str) -> TokenInfo:
        graph.debug_token = original  # type: ignore[method-assign]
        info = await original(input_token, key=key)
        await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)
        return info

    graph.debug_token = debug_token  # type: ignore[method-assign]
    with pytest.raises(ConnectionChanged):
        await w.c.use_cases.meta_select_page(w.owner, w.salon_id, GLOW)
    assert await w.c.meta_sync.run_due() == {}
    sent = await w.meta.sent()
    assert GLOW not in sent["subscriptions"] and ANNEX not in sent["subscriptions"]
