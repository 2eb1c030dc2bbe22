"""A health check for Redis: PING with a short timeout, never raising."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

log = logging.getLogger(__name__)

PING_TIMEOUT_S = 1.0


class RedisPing:
    """`await check()` is True when Redis answers PING within `timeout` seconds."""

    def __init__(self, client: Redis, *, timeout: float = PING_TIMEOUT_S) -> None:
        self._client, self._timeout = client, timeout

    async def __call__(self) -> bool:
        try:
            async with asyncio.timeout(self._timeout):
                return bool(await self._client.ping())
        except Exception as exc:
            log.warning("redis ping failed: %s: %s", type(exc).__name__, exc)
            return False
