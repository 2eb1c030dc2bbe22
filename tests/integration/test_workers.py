"""Dramatiq workers on Redis, for real: `serve` stores, `salonhub worker` processes and sends.

The whole Messenger path runs through real processes: bookings over HTTP on PostgreSQL, the
customer taps each booking's m.me link in the Meta sandbox (a real HTTP server), the sandbox
delivers the signed `referral` webhook to `serve`, the worker links the thread and sends the
confirmation DM. Midway the worker is killed (SIGKILL) and Redis restarted with its queue
lost; a new worker finishes the run. Every booking must get exactly one confirmation: nothing
lost, nothing doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
import redis

from entrypoints.meta_sandbox import DEFAULT_APP_ID, DEFAULT_APP_SECRET

from .servers import ROOT, booking_body, free_port, serve
from .test_meta_connection import (  # noqa: F401 - fixtures
    GLOW,
    Sandbox,
    Stack,
    _pg,
    connect,
    meta_sandbox,
    paid_salon,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BOOKINGS = 10
LEASE_S = "5"
VERIFY_TOKEN = "worker-test-verify-token"


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        """Gone with everything queued in it (no persistence, as in our test setup)."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    yield server
    with contextlib.suppress(Exception):
        server.kill()


def worker_env(database_url: str, var: Path, sandbox: Sandbox, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALONHUB_")}
    env.update(
        SALONHUB_DATABASE_URL=database_url,
        SALONHUB_VAR_DIR=str(var),
        SALONHUB_SECRET_KEY="integration-test-secret-key",
        SALONHUB_ENCRYPTION_KEYS="c2Fsb25odWItaW50ZWdyYXRpb24tdGVzdC1rZXktMzI=",
        SALONHUB_REDIS_URL=redis_url,
        SALONHUB_RATE_LIMITS="off",
        **meta_settings(sandbox),
    )
    return env


def meta_settings(sandbox: Sandbox) -> dict[str, str]:
    return {
        "SALONHUB_PUBLIC_URL": "http://salonhub.test",
        "SALONHUB_META_APP_ID": DEFAULT_APP_ID,
        "SALONHUB_META_APP_SECRET": DEFAULT_APP_SECRET,
        "SALONHUB_META_VERIFY_TOKEN": VERIFY_TOKEN,
        "SALONHUB_META_GRAPH_URL": sandbox.url,
        "SALONHUB_META_DIALOG_URL": sandbox.url,
        "SALONHUB_LEASE_SECONDS": LEASE_S,
        "SALONHUB_LOG_LEVEL": "debug",
    }


@contextlib.contextmanager
def worker(env: dict[str, str], var: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = (var / "worker.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "worker", "--threads", "4"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def confirmations(sandbox: Sandbox) -> Counter[str]:
    """Confirmation DMs sent by the Page, per booking (its id is in the signed manage link)."""
    found: Counter[str] = Counter()
    for m in sandbox.sent()["messages"]:
        text = str(m["message"].get("text", ""))
        if m["page_id"] == GLOW and text.startswith("You're booked"):
            booking = re.search(r"/book/manage/m1\.([0-9a-f-]{36})\.", text)
            assert booking is not None, text
            found[booking.group(1)] += 1
    return found


def tap_link(http: httpx.Client, sandbox: Sandbox, manage_token: str) -> None:
    r = http.get(f"/api/book/manage/{manage_token}/messenger-links")
    assert r.status_code == 200, r.text
    link = r.json()["messenger"]
    assert link.startswith(f"https://m.me/{GLOW}?ref=")
    ref = unquote(parse_qs(urlsplit(link).query)["ref"][0])
    tapped = sandbox.control(
        "POST", "phone", {"page_id": GLOW, "customer": "riya", "kind": "referral", "ref": ref}
    )
    assert "delivery_id" in tapped, "the sandbox did not deliver the referral webhook"


def test_kill_the_worker_and_restart_redis_mid_run_nothing_lost_or_doubled(
    tmp_path: Path, meta_sandbox: Sandbox, private_redis: RedisServer, pg_admin_url: str
) -> None:
    name = f"salonhub_workers_{os.urandom(5).hex()}"
    asyncio.run(_pg(f"CREATE DATABASE {name}"))
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    sandbox = meta_sandbox
    sandbox.control("DELETE", "failures")
    env = worker_env(url, tmp_path, sandbox, private_redis.url)
    try:
        with (
            serve(
                url, tmp_path, redis_url=private_redis.url, extra_env=meta_settings(sandbox)
            ) as urls,
            httpx.Client(base_url=urls[0], timeout=30) as http,
        ):
            stack = Stack(urls, url, tmp_path, sandbox)
            sandbox.control(
                "PUT",
                "webhooks",
                {
                    "callback_url": f"{urls[0]}/api/webhooks/meta",
                    "base_delay": 0.2,
                    "max_delay": 2.0,
                    "max_attempts": 20,  # a busy CI box must not make Meta give up
                    "timeout": 10.0,
                },
            )
            salon = paid_salon(stack, http)
            assert connect(stack, http, salon, [GLOW])["result"] == "connected"
            before = confirmations(sandbox)
            tokens = []
            for n in range(BOOKINGS):
                start = salon.at(f"{10 + 2 * (n % 4)}:00", offset=2 + n // 4)
                body = booking_body(salon, start, phone=f"98765432{n:02d}")
                r = http.post("/api/book/social/create", json=body)
                assert r.status_code == 201, r.text
                tokens.append(r.json()["manage_token"])

            with worker(env, tmp_path) as first:
                # The worker runs the sync the connect requested: it subscribes the Page.
                assert sandbox.subscribed_fields(GLOW, timeout=30)
                for token in tokens[: BOOKINGS // 2]:
                    tap_link(http, sandbox, token)
                time.sleep(0.3)  # let it get going, then kill it mid-run
                first.kill()
                first.wait(timeout=10)
            private_redis.kill()  # every queued Dramatiq message is gone
            for token in tokens[BOOKINGS // 2 :]:
                tap_link(http, sandbox, token)  # stored by serve; Redis is down meanwhile
            private_redis.start()
            with worker(env, tmp_path):
                deadline = time.monotonic() + 90
                while len(confirmations(sandbox) - before) < BOOKINGS:
                    assert time.monotonic() < deadline, (
                        f"only {len(confirmations(sandbox) - before)} of {BOOKINGS} confirmed; "
                        f"deliveries: {sandbox.control('GET', 'webhooks/deliveries')}"
                    )
                    time.sleep(0.25)
                time.sleep(int(LEASE_S) + 3)  # any stray lease would have run out by now
                sent = confirmations(sandbox) - before
            assert len(sent) == BOOKINGS
            assert set(sent.values()) == {1}, f"doubled: {sent}"
            log = http.get(
                f"/api/salons/{salon.salon_id}/messages", params={"limit": 200}, headers=salon.auth
            )
            assert log.status_code == 200, log.text
            items: list[dict[str, Any]] = log.json()["items"]
            assert (
                sorted(i["status"] for i in items if i["purpose"] == "confirmation")
                == ["sent"] * BOOKINGS
            )
            assert {i["channel"] for i in items} == {"messenger"}
            assert {i["kind"] for i in items} == {"confirmation"}
    finally:
        asyncio.run(_pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
