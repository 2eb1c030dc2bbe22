"""The Graph API adapter against the Meta sandbox over real HTTP: the calls of the connect flow,
and the sandbox's switched failures arriving as the adapter's exceptions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.outbound.meta.client import HttpxMetaGraph
from application.meta_errors import (
    MetaBadRequest,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)
from entrypoints.meta_sandbox import DEFAULT_APP_ID, DEFAULT_APP_SECRET

from .meta_sandbox_fixtures import sandbox, sandbox_url

__all__ = ["sandbox", "sandbox_url"]  # fixtures used by name below

REDIRECT = "http://127.0.0.1:8000/api/meta/callback"


@pytest.fixture
async def graph(sandbox_url: str, sandbox: httpx.Client) -> AsyncIterator[HttpxMetaGraph]:
    async def no_sleep(_: float) -> None:
        return None

    async with httpx.AsyncClient() as client:
        yield HttpxMetaGraph(
            client,
            base_url=sandbox_url,
            app_id=DEFAULT_APP_ID,
            app_secret=DEFAULT_APP_SECRET,
            sleep=no_sleep,
        )


async def test_connect_flow_calls(graph: HttpxMetaGraph, sandbox: httpx.Client) -> None:
    code = sandbox.post("/_sandbox/codes", json={"redirect_uri": REDIRECT}).json()["code"]
    short = await graph.exchange_code(code, redirect_uri=REDIRECT, key="salon-1")
    long = await graph.exchange_long_lived(short.access_token, key="salon-1")
    assert long.expires_in is not None and long.expires_in > short.expires_in  # type: ignore[operator]
    pages = await graph.list_pages(long.access_token, key="salon-1")
    assert len(pages) == 2  # one per page in the sandbox: pagination was followed
    first = next(p for p in pages if p.id == "101000000000001")
    details = await graph.page_details(first.id, first.access_token, key="salon-1")
    assert details.instagram is not None and details.instagram.username == "glowstudio.bandra"
    info = await graph.debug_token(first.access_token, key="salon-1")
    assert info.is_valid and info.expires_at == 0
    await graph.subscribe_page(first.id, first.access_token, key="salon-1")
    subscribed = sandbox.get("/_sandbox/sent").json()
    assert first.id in str(subscribed)
    await graph.unsubscribe_page(first.id, first.access_token, key="salon-1")
    with pytest.raises(MetaBadRequest) as reused:  # codes are single-use: 100/36009, as Meta
        await graph.exchange_code(code, redirect_uri=REDIRECT, key="salon-1")
    assert (reused.value.code, reused.value.subcode) == (100, 36009)


async def test_switched_failures_become_the_adapters_errors(
    graph: HttpxMetaGraph, sandbox: httpx.Client
) -> None:
    code = sandbox.post("/_sandbox/codes", json={"redirect_uri": REDIRECT}).json()["code"]
    token = (await graph.exchange_code(code, redirect_uri=REDIRECT, key="k")).access_token
    sandbox.post("/_sandbox/tokens/kill", json={"token": token, "subcode": 460})
    with pytest.raises(MetaTokenInvalid) as dead:
        await graph.me(token, key="k")
    assert dead.value.subcode == 460 and dead.value.fbtrace_id
    assert token not in str(dead.value)
    sandbox.post("/_sandbox/failures", json={"kind": "throttle", "code": 80001})
    with pytest.raises(MetaRateLimited):
        await graph.me(token, key="k2")
    sandbox.delete("/_sandbox/failures")
    sandbox.post("/_sandbox/failures", json={"kind": "server_error", "status": 503})
    before = len(sandbox.get("/_sandbox/requests").json()["requests"])
    with pytest.raises(MetaUnavailable):
        await graph.me(token, key="k3")
    after = sandbox.get("/_sandbox/requests").json()["requests"][before:]
    assert [r["path"] for r in after] == ["/me"] * len(after)
    assert len(after) >= 2  # the 503 was retried before giving up
