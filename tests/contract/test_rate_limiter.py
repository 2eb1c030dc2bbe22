"""One suite over every RateLimiter adapter, on real time (Redis keeps its own clock)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from adapters.outbound.ratelimit import InMemoryRateLimiter, RedisRateLimiter
from application.ports.rate_limiter import Denied, Hit, Rate, RateLimiter
from tests.integration.servers import free_port

LIMITERS = ["memory", pytest.param("redis", marks=pytest.mark.redis)]

COUNTING_TIMEOUT_S = 5.0


@pytest_asyncio.fixture(params=LIMITERS, loop_scope="session")
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[RateLimiter]:
    made: RateLimiter
    if request.param == "memory":
        made = InMemoryRateLimiter()
    else:
        url: str = request.getfixturevalue("redis_url")
        # A generous timeout: these tests count hits; fail-open on a slow box would hide the count.
        made = RedisRateLimiter(
            url, prefix=request.getfixturevalue("redis_prefix"), timeout=COUNTING_TIMEOUT_S
        )
    try:
        yield made
    finally:
        await made.close()


def hit(scope: str, key: str, count: int, seconds: float) -> Hit:
    return Hit(scope, key, Rate(count, seconds))


async def test_nothing_to_charge_is_allowed(limiter: RateLimiter) -> None:
    assert await limiter.hit([]) is None


async def test_a_burst_of_count_is_allowed_then_refused(limiter: RateLimiter) -> None:
    rule = [hit("book_phone", "p", 5, 60)]
    for _ in range(5):
        assert await limiter.hit(rule) is None
    denied = await limiter.hit(rule)
    assert denied is not None
    assert denied.scope == "book_phone"
    assert 11 < denied.retry_after_seconds <= 12  # one emission interval: 60 s / 5


async def test_retry_after_is_when_the_next_hit_fits(limiter: RateLimiter) -> None:
    rule = [hit("otp_start_phone", "p", 2, 0.4)]
    assert await limiter.hit(rule) is None
    assert await limiter.hit(rule) is None
    denied = await limiter.hit(rule)
    assert denied is not None
    assert 0 < denied.retry_after_seconds <= 0.2
    await asyncio.sleep(denied.retry_after_seconds + 0.02)
    assert await limiter.hit(rule) is None
    assert await limiter.hit(rule) is not None


async def test_a_refused_hit_charges_no_counter(limiter: RateLimiter) -> None:
    ip = hit("book_ip", "1.2.3.4", 3, 60)
    phone = hit("book_phone", "p", 1, 60)
    assert await limiter.hit([ip, phone]) is None
    for _ in range(4):
        refused = await limiter.hit([ip, phone])
        assert refused is not None
        assert refused.scope == "book_phone"
    assert await limiter.hit([ip]) is None
    assert await limiter.hit([ip]) is None
    refused = await limiter.hit([ip])
    assert refused is not None
    assert refused.scope == "book_ip"


async def test_the_refusal_names_the_rule_with_the_longest_wait(limiter: RateLimiter) -> None:
    short, long = hit("a", "k", 1, 1), hit("b", "k", 1, 3600)
    assert await limiter.hit([short, long]) is None
    refused = await limiter.hit([short, long])
    assert refused is not None
    assert refused.scope == "b"
    assert refused.retry_after_seconds > 3500


async def test_counters_are_separate_per_scope_and_key(limiter: RateLimiter) -> None:
    assert await limiter.hit([hit("a", "k", 1, 60)]) is None
    assert await limiter.hit([hit("a", "other", 1, 60)]) is None
    assert await limiter.hit([hit("b", "k", 1, 60)]) is None
    assert await limiter.hit([hit("a", "k", 1, 60)]) is not None


async def test_racing_hits_never_exceed_the_burst(limiter: RateLimiter) -> None:
    rule = [hit("login_email", "e", 10, 60)]
    results = await asyncio.gather(*(limiter.hit(rule) for _ in range(60)))
    assert sum(r is None for r in results) == 10
    assert all(isinstance(r, Denied) for r in results if r is not None)


# --- the Redis adapter's own promises ---


@pytest.mark.redis
async def test_two_limiters_on_one_redis_share_their_counters(
    redis_url: str, redis_prefix: str
) -> None:
    """Two processes are two clients with their own connections: the counter is one."""
    first = RedisRateLimiter(redis_url, prefix=redis_prefix, timeout=COUNTING_TIMEOUT_S)
    second = RedisRateLimiter(redis_url, prefix=redis_prefix, timeout=COUNTING_TIMEOUT_S)
    rule = [hit("book_phone", "p", 4, 60)]
    try:
        results = await asyncio.gather(
            *(limiter.hit(rule) for _ in range(10) for limiter in (first, second))
        )
        assert sum(r is None for r in results) == 4
    finally:
        await first.close()
        await second.close()


async def test_an_unreachable_redis_allows_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", retry_after=60)
    rule = [hit("book_phone", "p", 1, 60)]
    try:
        with caplog.at_level(logging.WARNING, logger="salonhub.ratelimit"):
            for _ in range(3):
                assert await limiter.hit(rule) is None
        warnings = [r for r in caplog.records if r.name == "salonhub.ratelimit"]
        assert len(warnings) == 1  # once per outage, not once per request
        assert "unreachable" in warnings[0].getMessage()
    finally:
        await limiter.close()
