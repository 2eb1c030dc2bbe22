from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from application.ports.rate_limiter import Denied, Hit, RateLimiter

from .gcra import MICROS, emission_us, period_us

log = logging.getLogger("salonhub.ratelimit")

# KEYS[i] is a counter; ARGV[2i-1], ARGV[2i] its emission interval and period in microseconds.
# Reads every counter, and writes them all only when every one allows: one atomic step.
# Time is the Redis server's, so processes on different hosts agree whatever their clocks.
GCRA_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pending, worst, wait = {}, 0, 0
for i = 1, #KEYS do
  local emission = tonumber(ARGV[2 * i - 1])
  local period = tonumber(ARGV[2 * i])
  local tat = pending[KEYS[i]] or tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  tat = tat + emission
  pending[KEYS[i]] = tat
  if tat - period - now > wait then worst, wait = i, tat - period - now end
end
if worst > 0 then return {worst, wait} end
for key, tat in pairs(pending) do
  local ttl = math.max(1, math.ceil((tat - now) / 1000))
  redis.call('SET', key, string.format('%d', tat), 'PX', ttl)
end
return {0, 0}
"""


class RedisRateLimiter(RateLimiter):
    """GCRA counters in Redis, shared by every process using the same URL and prefix.

    Fails open: when Redis does not answer within `timeout` seconds the hit is allowed, a warning
    is logged, and Redis is not asked again for `retry_after` seconds (so an outage costs the
    requests no latency)."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "salonhub:rl:",
        timeout: float = 0.25,
        retry_after: float = 1.0,
    ) -> None:
        # No connection is made here: the pool connects on first use, inside the running loop.
        self._redis: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._script = self._redis.register_script(GCRA_SCRIPT)
        self._prefix = prefix
        self._retry_after = retry_after
        self._down_until: float | None = None

    async def hit(self, hits: Sequence[Hit]) -> Denied | None:
        if not hits:
            return None
        if self._down_until is not None and time.monotonic() < self._down_until:
            return None
        keys = [f"{self._prefix}{h.scope}:{h.key}" for h in hits]
        args: list[int] = []
        for h in hits:
            args += (emission_us(h.rate), period_us(h.rate))
        try:
            index, wait = await self._script(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            if self._down_until is None:
                log.warning("rate limit store unreachable, allowing requests: %r", exc)
            self._down_until = time.monotonic() + self._retry_after
            return None
        if self._down_until is not None:
            log.warning("rate limit store reachable again, limits apply")
            self._down_until = None
        if int(index) == 0:
            return None
        return Denied(hits[int(index) - 1].scope, int(wait) / MICROS)

    async def close(self) -> None:
        await self._redis.aclose()
