"""Every HTTP request: its request id, its metrics, one log line; and the `/metrics` route.

`ObservedApp` wraps the whole Litestar app (not a route middleware), so requests that match no
route (404, 405) get a request id and are counted too.
"""

from __future__ import annotations

import logging
import time

from litestar import Response, get
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from ..request_scope import REQUEST_ID_HEADER, serving

log = logging.getLogger("salonhub.http.access")

UNMATCHED = "unmatched"  # the route label of requests no route matched
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")


class HttpMetrics:
    """Request counts and latencies by method, route template and status (never the raw
    path: ids in paths would make a series per booking)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "salonhub_http_requests", "HTTP requests answered.", labels, registry=registry
        )
        self.latency = Histogram(
            "salonhub_http_request_duration_seconds",
            "Time from request to the end of the response.",
            labels,
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)


class ObservedApp:
    """ASGI wrapper: serve under the request id (the caller's `X-Request-ID` when sane, else a
    new one), echo it in the response, then count, time and log the request."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self._app, self._metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        asked = next((v for k, v in scope["headers"] if k.lower() == _HEADER_KEY), None)
        with serving(asked.decode("latin-1") if asked is not None else None) as request_id:
            status = 500  # when the app fails before answering

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
                await send(message)

            started = time.perf_counter()
            try:
                await self._app(scope, receive, send_with_id)
            finally:
                seconds = time.perf_counter() - started
                route = scope.get("path_template") or UNMATCHED
                method = scope["method"]
                self._metrics.observe(method, route, status, seconds)
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                    },
                )


def metrics_route(registry: CollectorRegistry) -> HTTPRouteHandler:
    @get("/metrics", include_in_schema=False, sync_to_thread=False)
    def metrics() -> Response[bytes]:
        """Prometheus text format: HTTP and business metrics of this process."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
