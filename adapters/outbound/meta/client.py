"""HttpxMetaGraph: the MetaGraph port over an injected httpx.AsyncClient.

The calls live in groups over one shared base (calls.GraphCalls): oauth_calls (tokens),
page_calls (Pages, subscriptions, FBE) and messaging_calls (the Send API); this module wires
the transport, retries, circuit breakers and usage tracking."""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Awaitable, Callable

import httpx

from adapters.outbound.meta.messaging_calls import MessagingCalls
from adapters.outbound.meta.oauth_calls import OAuthCalls
from adapters.outbound.meta.page_calls import PageCalls
from adapters.outbound.meta.redaction import install_httpx_log_filter
from adapters.outbound.meta.resilience import CircuitBreakers, RetryPolicy
from adapters.outbound.meta.transport import GraphTransport
from adapters.outbound.meta.usage import UsageTracker
from application.ports.meta_graph import MetaGraph, MetaUsage


def _version(version: str) -> str:
    return version if version.startswith("v") else f"v{version}"


class HttpxMetaGraph(OAuthCalls, PageCalls, MessagingCalls, MetaGraph):
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

    def usage(self, key: str) -> MetaUsage | None:
        return self._usage.latest(key)
