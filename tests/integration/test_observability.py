"""Request ids, JSON logs, /metrics and /health, on a real `salonhub serve` process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.bootstrap import MEMORY_URL, bootstrap
from entrypoints.http import build_app
from entrypoints.settings import Settings

from .servers import booking_body, free_port, make_salon, serve

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class Server:
    url: str
    log: Path

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of this module's own: its metrics start from zero."""
    var = tmp_path_factory.mktemp("observed-server")
    with serve(f"sqlite+aiosqlite:///{var}/salonhub.db", var) as urls:
        yield Server(urls[0], var / "server.log")


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_a_request_id_is_generated_when_none_is_given(client: httpx.Client) -> None:
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert GENERATED_ID.fullmatch(first) and GENERATED_ID.fullmatch(second)
    assert first != second


def test_a_sane_request_id_is_kept_and_a_weird_one_replaced(client: httpx.Client) -> None:
    sane = "edge-7f3a.01_B"
    assert client.get("/health", headers={"X-Request-ID": sane}).headers["X-Request-ID"] == sane
    for weird in ("a" * 65, "has spaces", "<script>", "ünïcode"):
        answered = client.get("/health", headers=[(b"X-Request-ID", weird.encode())])
        assert GENERATED_ID.fullmatch(answered.headers["X-Request-ID"]), weird
    # Also on answers no route produced: 404 and 405.
    missing = client.get("/no/such/route", headers={"X-Request-ID": "lost-1"})
    assert missing.status_code == 404 and missing.headers["X-Request-ID"] == "lost-1"
    wrong = client.delete("/health", headers={"X-Request-ID": "wrong-1"})
    assert wrong.status_code == 405 and wrong.headers["X-Request-ID"] == "wrong-1"


def test_health_reports_the_database(client: httpx.Client) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"database": "ok"}}


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text format (labels in any order)."""
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample.split("{")[0] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', sample))
        if found == labels:
            return float(value)
    return None


def test_metrics_after_bookings_over_http(server: Server, client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    start = s.at("11:00")
    created = client.post(
        "/api/book/social/create",
        json=booking_body(s, start, phone="9812345678"),
        headers={"Idempotency-Key": "obs-1"},
    )
    assert created.status_code == 201, created.text
    replayed = client.post(
        "/api/book/social/create",
        json=booking_body(s, start, phone="9812345678"),
        headers={"Idempotency-Key": "obs-1"},
    )
    assert replayed.status_code == 201
    taken = client.post(
        "/api/book/social/create", json=booking_body(s, start, phone="9812345679", source="web")
    )
    assert taken.status_code == 409
    token = created.json()["manage_token"]
    assert client.post(f"/api/book/manage/{token}/cancel").status_code == 200
    availability = client.get(
        f"/api/book/social/{s.salon_id}/availability",
        params={"service_id": s.cut, "date": s.day().isoformat()},
    )
    assert availability.status_code == 200
    assert client.get(f"/api/salons/{s.salon_id}", headers=s.auth).status_code == 200

    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'salonhub_bookings_created_total{source="instagram"} 1.0' in text.splitlines()
    assert metric(text, "salonhub_bookings_created_total", source="web") == 0
    assert metric(text, "salonhub_bookings_conflicted_total", source="web") == 1
    assert metric(text, "salonhub_bookings_cancelled_total", source="instagram") == 1
    assert metric(text, "salonhub_idempotent_replays_total") == 1
    assert metric(text, "salonhub_availability_seconds_count") == 1
    create = {"method": "POST", "route": "/api/book/social/create"}
    assert metric(text, "salonhub_http_requests_total", **create, status="201") == 2
    assert metric(text, "salonhub_http_requests_total", **create, status="409") == 1
    salon = {"method": "GET", "route": "/api/salons/{salon_id}", "status": "200"}
    assert metric(text, "salonhub_http_requests_total", **salon) == 1
    assert metric(text, "salonhub_http_request_duration_seconds_count", **salon) == 1
    cancel = {"method": "POST", "route": "/api/book/manage/{token}/cancel", "status": "200"}
    assert metric(text, "salonhub_http_requests_total", **cancel) == 1
    # Templates, never raw paths: no id or token becomes a label.
    assert s.salon_id not in text and token not in text


def test_logs_are_json_with_request_ids_and_no_personal_data(
    server: Server, client: httpx.Client
) -> None:
    s = make_salon(client, staff=1)
    r = client.post(
        "/api/book/social/create",
        json=booking_body(s, s.at("14:00"), phone="9812300077"),
        headers={"X-Request-ID": "log-test-1"},
    )
    assert r.status_code == 201, r.text
    client.get(f"/api/book/manage/{r.json()['manage_token']}")
    lines = server.log_lines()  # every line parses as JSON, uvicorn's included
    assert any(line.get("logger", "").startswith("uvicorn") for line in lines)
    mine = [line for line in lines if line.get("request_id") == "log-test-1"]
    assert mine[-1] | {"duration_ms": 0, "timestamp": ""} == {
        "event": "request",
        "logger": "salonhub.http.access",
        "level": "info",
        "request_id": "log-test-1",
        "method": "POST",
        "route": "/api/book/social/create",
        "status": 201,
        "duration_ms": 0,
        "timestamp": "",
    }
    raw = server.log.read_text()
    for secret in ("9812300077", s.token, r.json()["manage_token"], s.salon_id):
        assert secret not in raw


def test_health_is_503_when_redis_is_down(tmp_path: Path) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    database = f"sqlite+aiosqlite:///{tmp_path}/salonhub.db"
    with serve(database, tmp_path, redis_url=closed, expect_healthy=False) as urls:
        r = httpx.get(f"{urls[0]}/health", timeout=10)
    assert r.status_code == 503
    assert r.json() == {"status": "degraded", "checks": {"database": "ok", "redis": "down"}}


def settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "database_url": MEMORY_URL,
        "secret_key": b"k" * 32,
        "rate_limits": False,
    }
    return Settings(**(base | overrides))


async def test_health_is_503_when_the_database_is_down() -> None:
    unreachable = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/salonhub"
    app = build_app(bootstrap(settings(database_url=unreachable)))
    async with AsyncTestClient(app=app) as client:
        r = await client.get("/health")
    assert r.status_code == 503
    assert r.json() == {"status": "degraded", "checks": {"database": "down"}}


@pytest.mark.redis
async def test_redis_is_checked_when_configured(redis_url: str) -> None:
    for url, expected in ((redis_url, True), (f"redis://127.0.0.1:{free_port()}/0", False)):
        container = bootstrap(settings(redis_url=url))
        try:
            assert set(container.health_checks) == {"database", "redis"}
            assert await container.health_checks["redis"]() is expected
        finally:
            await container.close()
