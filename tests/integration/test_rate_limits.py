"""Rate limits over real HTTP: in one app, and across two `salonhub serve` processes on Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from adapters.inbound.http.app import create_app
from adapters.inbound.http.rate_limits import Throttle
from adapters.outbound.memory.metrics import InMemoryMetrics
from adapters.outbound.ratelimit import InMemoryRateLimiter
from application.ports.rate_limiter import Rate
from entrypoints.bootstrap import MEMORY_URL, bootstrap
from entrypoints.http import build_app
from entrypoints.settings import DEFAULT_RATE_LIMITS, Settings

from .servers import booking_body, make_salon, serve


def assert_rate_limited(response: httpx.Response, *, at_most: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= at_most


# --- one process, in-process limiter ---


def test_login_is_limited_per_email_through_the_composition_root() -> None:
    settings = Settings(database_url=MEMORY_URL, secret_key=b"k" * 32)
    with TestClient(build_app(bootstrap(settings))) as client:
        body = {"email": "owner@example.com", "password": "wrong password"}
        for _ in range(DEFAULT_RATE_LIMITS["login_email"].count):
            assert client.post("/api/auth/login", json=body).status_code == 401
        assert_rate_limited(client.post("/api/auth/login", json=body), at_most=12)
        # the same address, another email: the per-email rule is its own
        other = {"email": "other@example.com", "password": "wrong password"}
        assert client.post("/api/auth/login", json=other).status_code == 401


def test_a_spoofed_forwarded_for_does_not_dodge_the_ip_limit() -> None:
    metrics = InMemoryMetrics()
    container = bootstrap(Settings(database_url=MEMORY_URL, secret_key=b"k" * 32))
    throttle = Throttle(
        InMemoryRateLimiter(),
        {"availability_ip": Rate(3, 60)},
        key_secret=b"k" * 32,
        metrics=metrics,
    )
    app = create_app(
        container.use_cases,
        meta_deliveries=container.meta_deliveries,
        health_checks={},
        throttle=throttle,
    )
    path = f"/api/book/social/{uuid.uuid4()}/availability?service_id={uuid.uuid4()}"
    with TestClient(app) as client:
        for n in range(3):
            response = client.get(path, headers={"X-Forwarded-For": f"198.51.100.{n}"})
            assert response.status_code == 404
        response = client.get(path, headers={"X-Forwarded-For": "198.51.100.99"})
        assert_rate_limited(response, at_most=20)
    assert metrics.counts["rate_limited", "availability_ip"] == 1


def test_limits_off_in_settings_build_no_limiter() -> None:
    settings = Settings(database_url=MEMORY_URL, secret_key=b"k" * 32, rate_limits=False)
    container = bootstrap(settings)
    assert container.rate_limiter is None
    with TestClient(build_app(container)) as client:
        body = {"email": "owner@example.com", "password": "wrong password"}
        for _ in range(12):
            assert client.post("/api/auth/login", json=body).status_code == 401


# --- two processes sharing Redis ---


@pytest.fixture
def redis_servers(tmp_path: Path, redis_url: str, redis_prefix: str) -> Iterator[list[str]]:
    with serve(
        f"sqlite+aiosqlite:///{tmp_path}/salonhub.db",
        tmp_path,
        processes=2,
        rate_limits=True,
        redis_url=redis_url,
        extra_env={
            # These tests count hits: a slow CI box must not make Redis calls fail open.
            "SALONHUB_RATE_LIMIT_TIMEOUT_MS": "5000",
            "SALONHUB_RATE_LIMIT_PREFIX": redis_prefix,
            "SALONHUB_RATE_LIMIT_AVAILABILITY_IP": "3/minute",
        },
    ) as urls:
        yield urls


@pytest.mark.redis
@pytest.mark.slow
def test_a_phone_limit_bites_across_two_processes_sharing_redis(
    redis_servers: list[str],
) -> None:
    first, second = (httpx.Client(base_url=url, timeout=30) for url in redis_servers)
    with first, second:
        salon = make_salon(first, staff=2)
        # 5/minute per phone: five bookings, alternating processes and phone formats, all pass
        times = ["10:00", "11:30", "13:00", "14:30", "16:00"]
        for n, hhmm in enumerate(times):
            client = (first, second)[n % 2]
            phone = ("+91 98765 43210", "9876543210")[n % 2]
            r = client.post(
                "/api/book/social/create", json=booking_body(salon, salon.at(hhmm), phone)
            )
            assert r.status_code == 201, r.text
        # the sixth, on the other process, is refused with Retry-After (about 60 s / 5)
        r = second.post(
            "/api/book/social/create", json=booking_body(salon, salon.at("10:00", 4), "9876543210")
        )
        assert_rate_limited(r, at_most=12)
        # and it booked nothing; another phone still books, on either process
        r = first.post(
            "/api/book/social/create", json=booking_body(salon, salon.at("10:00", 4), "9123456780")
        )
        assert r.status_code == 201, r.text
        # per IP across processes too: 3/minute for availability (set for this test)
        path = f"/api/book/social/{salon.salon_id}/availability?service_id={salon.cut}"
        assert [c.get(path).status_code for c in (first, second, first)] == [200, 200, 200]
        assert_rate_limited(second.get(path), at_most=20)


@pytest.mark.slow
def test_with_limits_off_nothing_is_limited(sqlite_server: list[str]) -> None:
    """The shared integration servers run with SALONHUB_RATE_LIMITS=off."""
    first, second = (httpx.Client(base_url=url, timeout=30) for url in sqlite_server)
    with first, second:
        salon = make_salon(first, staff=1)
        statuses = []
        for n in range(25):  # over both the per-phone (5) and per-IP (20) defaults
            client = (first, second)[n % 2]
            body = booking_body(salon, salon.at("10:00", 2 + n // 8), "9876543210")
            statuses.append(client.post("/api/book/social/create", json=body).status_code)
        assert 429 not in statuses
        assert statuses.count(201) >= 3
        login = {"email": "nobody@example.com", "password": "wrong password"}
        assert {first.post("/api/auth/login", json=login).status_code for _ in range(12)} == {401}
        path = f"/api/book/social/{salon.salon_id}/availability?service_id={salon.cut}"
        assert {second.get(path).status_code for _ in range(125)} == {200}
