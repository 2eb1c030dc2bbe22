"""The Graph API adapter driven through httpx.MockTransport: scripted answers, recorded requests,
a fake monotonic clock, and a sleep that only records (and advances the clock)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import pytest

from adapters.outbound.meta.client import HttpxMetaGraph
from adapters.outbound.meta.resilience import RetryPolicy

BASE = "https://graph.test"
APP_ID = "1234567890"
APP_SECRET = "app-secret-SHHH-0001"
USER_TOKEN = "EAAuser-token-SECRET-42"
PAGE_TOKEN = "EAApage-token-SECRET-77"
CODE = "login-code-SECRET-99"
KEY = "salon-1"

Reply = httpx.Response | Exception


def ok(body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def meta_error(
    status: int,
    code: int,
    subcode: int | None = None,
    *,
    message: str = "boom",
    fbtrace_id: str = "AtRaCe123",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": fbtrace_id,
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error}, headers=headers)


def usage_headers(app: int = 0, business: int = 0, regain_minutes: int = 0) -> dict[str, str]:
    return {
        "X-App-Usage": json.dumps({"call_count": app, "total_time": 1, "total_cputime": 1}),
        "X-Business-Use-Case-Usage": json.dumps(
            {
                "111": [
                    {
                        "type": "pages",
                        "call_count": business,
                        "total_cputime": 1,
                        "total_time": 1,
                        "estimated_time_to_regain_access": regain_minutes,
                    }
                ]
            }
        ),
    }


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    graph: HttpxMetaGraph
    clock: FakeClock
    requests: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    queue: deque[Reply] = field(default_factory=deque)
    fallback: Callable[[httpx.Request], httpx.Response] | None = None

    def reply(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    def last(self) -> httpx.Request:
        return self.requests[-1]


class MakeHarness(Protocol):
    async def __call__(self, **overrides: Any) -> Harness: ...


@pytest.fixture
async def make_harness() -> AsyncIterator[MakeHarness]:
    clients: list[httpx.AsyncClient] = []

    async def make(**overrides: Any) -> Harness:
        clock = FakeClock()
        holder: list[Harness] = []

        def handle(request: httpx.Request) -> httpx.Response:
            h = holder[0]
            request.read()
            h.requests.append(request)
            if h.queue:
                reply = h.queue.popleft()
                if isinstance(reply, Exception):
                    raise reply
                return reply
            if h.fallback is not None:
                return h.fallback(request)
            return ok({"success": True})

        async def sleep(seconds: float) -> None:
            holder[0].sleeps.append(seconds)
            clock.now += seconds

        client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
        clients.append(client)
        options: dict[str, Any] = {
            "base_url": BASE,
            "app_id": APP_ID,
            "app_secret": APP_SECRET,
            "retry": RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=4.0),
            "sleep": sleep,
            "random": lambda: 1.0,
            "clock": clock,
        }
        options.update(overrides)
        graph = HttpxMetaGraph(client, **options)
        harness = Harness(graph=graph, clock=clock)
        holder.append(harness)
        return harness

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def h(make_harness: MakeHarness) -> Harness:
    return await make_harness()
