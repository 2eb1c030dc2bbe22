"""One active scheduler: the Redis leader lock on the real Redis, and jobs gated by it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from entrypoints.bootstrap import MEMORY_URL, bootstrap
from entrypoints.scheduler import RedisLeaderLock, Scheduler
from entrypoints.settings import Settings

pytestmark = pytest.mark.redis


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    redis = Redis.from_url(redis_url)
    yield redis
    await redis.aclose()


def key() -> str:
    return f"salonhub-test:scheduler:{os.urandom(6).hex()}"


async def test_one_holder_at_a_time_and_takeover_after_release(client: Redis) -> None:
    name = key()
    first = RedisLeaderLock(client, key=name, ttl_ms=5_000)
    second = RedisLeaderLock(client, key=name, ttl_ms=5_000)
    assert await first.refresh() is True
    assert await second.refresh() is False
    assert await first.refresh() is True  # renewing its own lock
    assert await second.refresh() is False
    await first.release()
    assert await second.refresh() is True
    assert await first.refresh() is False
    await second.release()
    assert await client.get(name) is None


async def test_a_dead_holders_lock_expires_and_another_takes_over(client: Redis) -> None:
    name = key()
    dead = RedisLeaderLock(client, key=name, ttl_ms=200)
    assert await dead.refresh() is True  # ...and then its process dies: no renewals
    other = RedisLeaderLock(client, key=name, ttl_ms=5_000)
    assert await other.refresh() is False
    await asyncio.sleep(0.3)
    assert await other.refresh() is True
    await other.release()


async def test_release_never_drops_someone_elses_lock(client: Redis) -> None:
    name = key()
    stale = RedisLeaderLock(client, key=name, ttl_ms=100)
    assert await stale.refresh() is True
    await asyncio.sleep(0.2)
    holder = RedisLeaderLock(client, key=name, ttl_ms=5_000)
    assert await holder.refresh() is True
    await stale.release()  # it still thinks it holds the lock
    assert await client.get(name) == holder.token.encode()
    await holder.release()


async def test_only_the_lock_holder_runs_jobs(client: Redis) -> None:
    name = key()
    container = bootstrap(Settings(database_url=MEMORY_URL, secret_key=b"k" * 32))
    try:
        holder = Scheduler(container, RedisLeaderLock(client, key=name))
        waiting = Scheduler(container, RedisLeaderLock(client, key=name))
        await holder.start()
        await waiting.start()
        for _ in range(50):  # the jobs run once at start-up
            if holder.runs.get("reminders"):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        assert holder.runs.get("reminders") == 1
        assert waiting.runs == {}
        await holder.stop()
        await waiting.stop()
    finally:
        await container.close()
