from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Response, get
from litestar.datastructures import State

HealthCheck = Callable[[], Awaitable[bool]]


@get("/health", tags=["operations"])
async def health(state: State) -> Response[dict[str, Any]]:
    """200 when every dependency answers; 503 naming the one that does not."""
    checks: Mapping[str, HealthCheck] = state.health_checks
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            results[name] = "ok" if await check() else "down"
        except Exception:
            results[name] = "down"
    healthy = all(v == "ok" for v in results.values())
    return Response(
        {"status": "ok" if healthy else "degraded", "checks": results},
        status_code=200 if healthy else 503,
    )
