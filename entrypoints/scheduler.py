"""The scheduler: periodic jobs on APScheduler, one active instance.

`salonhub scheduler` (with Redis) takes a lock (`SET NX PX`, renewed by its holder, taken
over by another instance when the holder dies); only the holder runs jobs, so two schedulers
never double a run. In embedded mode `serve` runs the same schedule itself, without a lock.
Every job is idempotent per period anyway: reminders are unique rows, token checks are once
a day per integration, cleanups and purges converge.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from redis.asyncio import Redis

from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings, SettingsError

log = logging.getLogger("salonhub.scheduler")

LOCK_KEY = "salonhub:scheduler:leader"
LOCK_TTL_MS = 30_000
RENEW_EVERY_S = 10.0
# Extend the lock only while we hold it (compare-and-set in one step).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLeaderLock:
    def __init__(self, redis: Redis, *, key: str = LOCK_KEY, ttl_ms: int = LOCK_TTL_MS) -> None:
        self._redis, self._key, self._ttl = redis, key, ttl_ms
        self.token = secrets.token_hex(16)
        self.held = False

    async def refresh(self) -> bool:
        """Take the lock if free, extend it if ours; False when another instance holds it
        (or Redis cannot be reached: no lock, no jobs)."""
        try:
            if self.held and await self._redis.eval(_RENEW, 1, self._key, self.token, self._ttl):
                return True
            self.held = bool(await self._redis.set(self._key, self.token, nx=True, px=self._ttl))
        except Exception:
            log.warning("scheduler lock: Redis unreachable", exc_info=True)
            self.held = False
        return self.held

    async def release(self) -> None:
        if self.held:
            await self._redis.eval(_RELEASE, 1, self._key, self.token)
            self.held = False


def schedule(container: Container) -> dict[str, tuple[float, Callable[[], Awaitable[Any]]]]:
    """name -> (every N seconds, job)."""
    uc = container.use_cases
    return {
        "reminders": (60.0, container.reminders.run),
        "meta_token_health": (3600.0, uc.meta_token_checks.check_due),
        "meta_cleanups": (600.0, uc.meta_cleanups.run_due),
        "meta_sync_reconcile": (900.0, container.meta_sync.reconcile),
        "webhook_retention": (24 * 3600.0, uc.webhook_events.purge),
    }


class Scheduler:
    def __init__(self, container: Container, lock: RedisLeaderLock | None = None) -> None:
        self._container, self._lock = container, lock
        self._scheduler: AsyncIOScheduler | None = None
        self.runs: dict[str, int] = {}

    def _job(self, name: str, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            if self._lock is not None and not self._lock.held:
                return
            try:
                result = await job()
                self.runs[name] = self.runs.get(name, 0) + 1
                log.info("scheduled job ran", extra={"job": name, "result": result})
            except Exception:
                log.exception("scheduled job failed", extra={"job": name})

        return run

    async def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)
        for name, (every, job) in schedule(self._container).items():
            scheduler.add_job(
                self._job(name, job),
                "interval",
                seconds=every,
                id=name,
                max_instances=1,
                coalesce=True,
                next_run_time=now,
            )
        if self._lock is not None:
            await self._lock.refresh()
            scheduler.add_job(
                self._lock.refresh, "interval", seconds=RENEW_EVERY_S, id="leader_lock"
            )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._lock is not None:
            await self._lock.release()


async def run_scheduler(settings: Settings) -> None:
    """`salonhub scheduler`: until SIGTERM/SIGINT (the CLI checks SALONHUB_REDIS_URL is set)."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with bootstrap(settings) as container:
        if container.redis is None:
            raise SettingsError("salonhub scheduler needs SALONHUB_REDIS_URL")
        scheduler = Scheduler(container, RedisLeaderLock(container.redis))
        await scheduler.start()
        log.info("scheduler started")
        try:
            await stop.wait()
        finally:
            await scheduler.stop()
