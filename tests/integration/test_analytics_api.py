"""The analytics routes over real HTTP, on SQLite and PostgreSQL: the plan and tenancy
checks, the widget's funnel beacon, the report's counts, the CSV export, bad input."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from .conftest import _admin
from .servers import ROOT, SalonFixture, booking_body, make_salon, serve

SECRET = "integration-test-secret-key"
KEYS = "c2Fsb25odWItaW50ZWdyYXRpb24tdGVzdC1rZXktMzI="


class Stack:
    def __init__(self, url: str, database_url: str, var: Path) -> None:
        self.url, self.database_url, self.var = url, database_url, var

    def set_tier(self, salon_id: str, tier: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SALONHUB_")}
        env.update(
            SALONHUB_DATABASE_URL=self.database_url,
            SALONHUB_VAR_DIR=str(self.var),
            SALONHUB_SECRET_KEY=SECRET,
            SALONHUB_ENCRYPTION_KEYS=KEYS,
        )
        done = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "salon", "set-tier", salon_id, tier],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp(f"analytics-{request.param}")
    name = None
    if request.param == "postgres":
        request.getfixturevalue("pg_admin_url")
        name = f"salonhub_an_{os.urandom(5).hex()}"
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
        database_url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        database_url = f"sqlite+aiosqlite:///{var}/salonhub.db"
    try:
        with serve(database_url, var) as urls:
            yield Stack(urls[0], database_url, var)
    finally:
        if name is not None:
            asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def http(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, timeout=30) as c:
        yield c


def paid_salon(stack: Stack, http: httpx.Client) -> SalonFixture:
    s = make_salon(http, staff=1)
    stack.set_tier(s.salon_id, "growth")
    return s


def today(s: SalonFixture) -> date:
    return datetime.now(ZoneInfo(s.timezone)).date()


def beacon(http: httpx.Client, salon_id: str, body: Any) -> httpx.Response:
    return http.post(f"/api/book/social/{salon_id}/funnel", json=body)


def report(http: httpx.Client, s: SalonFixture, **params: str) -> httpx.Response:
    return http.get(
        "/api/meta/analytics", headers=s.auth, params={"salon_id": s.salon_id, **params}
    )


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error: dict[str, Any] = r.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def test_free_plan_is_refused_and_other_salons_are_not_found(
    stack: Stack, http: httpx.Client
) -> None:
    s = make_salon(http, staff=0)
    error = assert_error(report(http, s), 403, "plan_required")
    assert error["details"]["tier"] == "free"
    r = http.get("/api/meta/analytics/export", headers=s.auth, params={"salon_id": s.salon_id})
    assert_error(r, 403, "plan_required")

    stack.set_tier(s.salon_id, "elite")
    assert report(http, s).status_code == 200
    other = paid_salon(stack, http)
    for path in ("/api/meta/analytics", "/api/meta/analytics/export"):
        r = http.get(path, headers=other.auth, params={"salon_id": s.salon_id})
        assert_error(r, 404, "not_found")
        r = http.get(path, headers=s.auth, params={"salon_id": "no-such-salon"})
        assert_error(r, 404, "not_found")
        assert_error(http.get(path, params={"salon_id": s.salon_id}), 401, "unauthorized")


def test_beacons_and_bookings_make_the_funnel(stack: Stack, http: httpx.Client) -> None:
    s = paid_salon(stack, http)
    sent = [
        *[{"step": "view", "source": "instagram"}] * 4,
        *[{"step": "slot_view", "source": "instagram"}] * 2,
        {"step": "view", "source": "facebook"},
        {"step": "view", "source": "tiktok"},  # unknown: web
        {"step": "view"},  # no source: web
    ]
    for body in sent:
        r = beacon(http, s.salon_id, body)
        assert r.status_code == 204, r.text
        assert r.content == b""
    for hhmm, source, phone in (
        ("11:00", "instagram", "9876543210"),
        ("14:00", "facebook", "9876543211"),
    ):
        r = http.post(
            "/api/book/social/create", json=booking_body(s, s.at(hhmm), phone, source=source)
        )
        assert r.status_code == 201, r.text

    r = report(http, s)
    assert r.status_code == 200, r.text
    body = r.json()
    day = today(s)
    assert body["from"] == (day - timedelta(days=29)).isoformat()
    assert body["to"] == day.isoformat()
    assert body["bookings_by_source"] == {
        "instagram": 1,
        "facebook": 1,
        "messenger": 0,
        "story": 0,
        "web": 0,
        "staff": 0,
        "google": 0,
    }
    assert body["funnel"] == {
        "instagram": {"views": 4, "slot_views": 2, "bookings": 1, "conversion": 0.25},
        "facebook": {"views": 1, "slot_views": 0, "bookings": 1, "conversion": 1.0},
        "messenger": {"views": 0, "slot_views": 0, "bookings": 0, "conversion": 0.0},
        "story": {"views": 0, "slot_views": 0, "bookings": 0, "conversion": 0.0},
        "web": {"views": 2, "slot_views": 0, "bookings": 0, "conversion": 0.0},
    }
    assert body["popular_services"] == [{"service_id": s.cut, "name": "Cut", "bookings": 2}]
    weekday = s.day().weekday()
    assert body["peak_hours"] == [
        {"weekday": weekday, "hour": 11, "bookings": 1},
        {"weekday": weekday, "hour": 14, "bookings": 1},
    ]
    todays = [p for p in body["series"] if p["date"] == day.isoformat()]
    assert {p["source"]: p["bookings"] for p in todays} == {
        "instagram": 1,
        "facebook": 1,
        "messenger": 0,
        "story": 0,
        "web": 0,
    }
    assert len(body["series"]) == 30 * 5
    # Both bookings start 3 days from now, outside the last 30 days.
    assert body["rates"] == {
        "bookings": 0,
        "cancelled": 0,
        "no_show": 0,
        "cancellation_rate": 0.0,
        "no_show_rate": 0.0,
    }
    ahead = report(http, s, to=s.day().isoformat())
    assert ahead.status_code == 200, ahead.text
    assert ahead.json()["rates"]["bookings"] == 2

    r = http.get(
        "/api/meta/analytics/export",
        headers=s.auth,
        params={"salon_id": s.salon_id, "from": day.isoformat(), "to": day.isoformat()},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    name = f"salonhub-analytics-{day.isoformat()}-{day.isoformat()}.csv"
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = list(csv.reader(io.StringIO(r.text)))
    d = day.isoformat()
    assert rows == [
        ["date", "source", "views", "slot_views", "bookings"],
        [d, "instagram", "4", "2", "1"],
        [d, "facebook", "1", "0", "1"],
        [d, "messenger", "0", "0", "0"],
        [d, "story", "0", "0", "0"],
        [d, "web", "2", "0", "0"],
    ]


def test_bad_dates_are_validation_errors(stack: Stack, http: httpx.Client) -> None:
    s = paid_salon(stack, http)
    for params, fields in (
        ({"from": "2026-13-01"}, {"from"}),
        ({"to": "yesterday"}, {"to"}),
        ({"from": "2026-11-02", "to": "2026-11-01"}, {"to"}),
        ({"from": "2025-01-01", "to": "2026-01-02"}, {"from", "to"}),
        ({"from": "2026-11-01T00:00:00+00:00"}, {"from"}),
    ):
        for path in ("/api/meta/analytics", "/api/meta/analytics/export"):
            r = http.get(path, headers=s.auth, params={"salon_id": s.salon_id, **params})
            error = assert_error(r, 422, "validation_error")
            assert set(error["details"]["fields"]) == fields, (params, error)
    r = http.get("/api/meta/analytics", headers=s.auth)
    assert "salon_id" in assert_error(r, 422, "validation_error")["details"]["fields"]
    r = report(http, s, **{"from": "2025-01-01", "to": "2026-01-01"})  # 366 days: fine
    assert r.status_code == 200, r.text


def test_bad_beacons_are_refused_never_a_500(stack: Stack, http: httpx.Client) -> None:
    s = make_salon(http, staff=0)  # any plan counts
    assert beacon(http, s.salon_id, {"step": "view", "source": "story"}).status_code == 204
    for body, field in (
        ({"step": "click", "source": "instagram"}, "step"),
        ({"source": "instagram"}, "step"),
        ({"step": "view", "source": 7}, "source"),
        ({"step": "view", "source": "x" * 65}, "source"),
        ({"step": "view", "source": "web", "visitor": "me"}, "visitor"),
    ):
        error = assert_error(beacon(http, s.salon_id, body), 422, "validation_error")
        assert any(field in key for key in error["details"]["fields"]), (body, error)
    not_an_object: tuple[object, ...] = ([], "view", None)
    for junk in not_an_object:
        r = beacon(http, s.salon_id, junk)
        assert 400 <= r.status_code < 500, r.text
        assert r.json()["error"]["code"] in ("validation_error", "bad_request")
    r = http.post(
        f"/api/book/social/{s.salon_id}/funnel",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert_error(r, 400, "bad_request")
    r = http.post(
        f"/api/book/social/{s.salon_id}/funnel",
        content=b"step=view",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error(r, 400, "bad_request")
    assert_error(beacon(http, "no-such-salon", {"step": "view"}), 404, "not_found")

    stack.set_tier(s.salon_id, "growth")
    story = report(http, s).json()["funnel"]["story"]
    assert story == {"views": 1, "slot_views": 0, "bookings": 0, "conversion": 0.0}


def test_the_beacon_is_rate_limited_per_client(tmp_path: Path) -> None:
    env = {"SALONHUB_RATE_LIMIT_FUNNEL_IP": "3/minute"}
    url = f"sqlite+aiosqlite:///{tmp_path}/salonhub.db"
    with (
        serve(url, tmp_path, rate_limits=True, extra_env=env) as urls,
        httpx.Client(base_url=urls[0], timeout=30) as http,
    ):
        s = make_salon(http, staff=0)
        for _ in range(3):
            assert beacon(http, s.salon_id, {"step": "view"}).status_code == 204
        r = beacon(http, s.salon_id, {"step": "view"})
        assert_error(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1
