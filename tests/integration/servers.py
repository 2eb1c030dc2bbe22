"""Real `salonhub serve` processes for integration tests, and a client-side salon builder."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(
    database_url: str,
    var_dir: Path,
    *,
    processes: int = 1,
    migrate: bool = True,
    rate_limits: bool = False,
    redis_url: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    expect_healthy: bool = True,
) -> Iterator[list[str]]:
    """Start `processes` servers sharing one database; yield their base URLs.

    By default rate limits are off and no Redis is used; `rate_limits=True` turns them on (in
    process, or shared through `redis_url`); `extra_env` adds or overrides variables.
    `expect_healthy=False` waits for any answer from /health (a dependency may be down)."""
    env = {
        **os.environ,
        "SALONHUB_DATABASE_URL": database_url,
        "SALONHUB_VAR_DIR": str(var_dir),
        "SALONHUB_SECRET_KEY": "integration-test-secret-key",
        "SALONHUB_ENCRYPTION_KEYS": "c2Fsb25odWItaW50ZWdyYXRpb24tdGVzdC1rZXktMzI=",
        "SALONHUB_RATE_LIMITS": "on" if rate_limits else "off",
    }
    env.pop("SALONHUB_REDIS_URL", None)
    if redis_url is not None:
        env["SALONHUB_REDIS_URL"] = redis_url
    env.update(extra_env or {})
    urls, procs = [], []
    log = (var_dir / "server.log").open("ab")
    try:
        for i in range(processes):
            port = free_port()
            args = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
            if i > 0 or not migrate:
                args.append("--no-migrate")
            procs.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log))
            urls.append(f"http://127.0.0.1:{port}")
            _wait_ready(urls[-1], procs[-1], var_dir, healthy=expect_healthy)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def _wait_ready(
    url: str, proc: subprocess.Popen[bytes], var_dir: Path, *, healthy: bool = True
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {(var_dir / 'server.log').read_text()[-3000:]}")
        try:
            status = httpx.get(f"{url}/health", timeout=5).status_code
            if status == 200 or not healthy:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not become ready in 60 s")


@dataclass
class SalonFixture:
    """A salon made through the API: owner token, two services, staff working every day."""

    base: str
    token: str
    salon_id: str
    timezone: str
    cut: str
    colour: str
    staff: list[str]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def day(self, offset: int = 3) -> date:
        return (datetime.now(ZoneInfo(self.timezone)) + timedelta(days=offset)).date()

    def at(self, hhmm: str, offset: int = 3) -> str:
        hour, minute = map(int, hhmm.split(":"))
        local = datetime.combine(
            self.day(offset), datetime.min.time(), tzinfo=ZoneInfo(self.timezone)
        ).replace(hour=hour, minute=minute)
        return local.isoformat()


def make_salon(
    client: httpx.Client,
    *,
    staff: int = 2,
    timezone: str = "Asia/Kolkata",
    verify: bool = False,
    email: str | None = None,
) -> SalonFixture:
    email = email or f"owner-{os.urandom(6).hex()}@example.com"
    r = client.post(
        "/api/auth/signup",
        json={
            "email": email,
            "password": "a-long-password",
            "salon_name": "Glow",
            "timezone": timezone,
        },
    )
    assert r.status_code == 201, r.text
    made = r.json()
    auth = {"Authorization": f"Bearer {made['token']}"}
    sid = made["salon_id"]
    r = client.patch(
        f"/api/salons/{sid}", headers=auth, json={"policy": {"verify_new_customers": verify}}
    )
    assert r.status_code == 200, r.text
    services = []
    for body in (
        {
            "name": "Cut",
            "duration_minutes": 60,
            "price_minor": 50000,
            "currency": "INR",
            "buffer_after_minutes": 15,
        },
        {"name": "Colour", "duration_minutes": 90, "price_minor": 90000, "currency": "INR"},
    ):
        r = client.post(f"/api/salons/{sid}/services", headers=auth, json=body)
        assert r.status_code == 201, r.text
        services.append(r.json()["id"])
    staff_ids = []
    week = {"weekly": [{"weekday": d, "start": "10:00", "end": "18:00"} for d in range(7)]}
    for n in range(staff):
        r = client.post(
            f"/api/salons/{sid}/staff",
            headers=auth,
            json={"name": f"Stylist {n}", "service_ids": services},
        )
        assert r.status_code == 201, r.text
        staff_id = r.json()["id"]
        r = client.put(f"/api/salons/{sid}/staff/{staff_id}/hours", headers=auth, json=week)
        assert r.status_code == 200, r.text
        staff_ids.append(staff_id)
    return SalonFixture(
        base=str(client.base_url),
        token=made["token"],
        salon_id=sid,
        timezone=timezone,
        cut=services[0],
        colour=services[1],
        staff=sorted(staff_ids),
    )


def booking_body(
    s: SalonFixture, start: str, phone: str = "9876543210", **extra: Any
) -> dict[str, Any]:
    return {
        "salon_id": s.salon_id,
        "service_id": s.cut,
        "start": start,
        "source": "instagram",
        "customer": {"name": "Riya", "phone": phone},
        **extra,
    }


def texted_codes(
    client: httpx.Client, salon_id: str, phone: str | None = None, *, timeout: float = 5.0
) -> list[dict[str, str]]:
    """The embedded server's dev inbox of texted codes (newest first), once one has arrived:
    codes leave through the OTP outbox after the request's commit, a moment later."""
    params = {"salon_id": salon_id} | ({"phone": phone} if phone else {})
    deadline = time.monotonic() + timeout
    while True:
        r = client.get("/api/dev/otp-outbox", params=params)
        assert r.status_code == 200, r.text
        items: list[dict[str, str]] = r.json()["items"]
        if items or time.monotonic() > deadline:
            return items
        time.sleep(0.02)
