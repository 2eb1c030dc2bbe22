"""The Meta connection through HTTP: two `salonhub serve` processes sharing one database (SQLite
and PostgreSQL) talk to the Meta sandbox, a real HTTP server, as they would talk to Meta.

The owner's browser is played by httpx: it opens the authorize URL (the sandbox's login dialog),
submits the dialog form, and follows Meta's redirect to our callback. `SALONHUB_PUBLIC_URL` is a
name that does not resolve, as in production behind a proxy; the test sends the redirect to the
server it is talking to.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import asyncpg
import httpx
import pytest
import uvicorn

from application.meta.signing import StateClaims, StateSigner
from entrypoints.meta_sandbox import DEFAULT_APP_SECRET, SandboxState, create_sandbox_app

from .servers import ROOT, SalonFixture, free_port, make_salon, serve

PUBLIC = "http://salonhub.test"
SECRET = "integration-test-secret-key"  # servers.serve's SALONHUB_SECRET_KEY
KEY_A = "c2Fsb25odWItaW50ZWdyYXRpb24tdGVzdC1rZXktMzI="  # servers.serve's key ring
KEY_B = base64.b64encode(b"salonhub-second-test-key-32-byte").decode()
GLOW, ANNEX = "101000000000001", "101000000000002"
FIELDS = ["messages", "messaging_postbacks", "messaging_referrals", "message_echoes"]


# --- the sandbox (in this process, so the test can read every token it issued) --------------


@dataclass
class Sandbox:
    url: str
    state: SandboxState
    client: httpx.Client

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        r = self.client.request(method, f"/_sandbox/{path}", json=body)
        assert r.status_code < 300, r.text
        return r.json()

    def sent(self) -> dict[str, Any]:
        result: dict[str, Any] = self.control("GET", "sent")
        return result

    def tokens(self) -> list[str]:
        return [t for t in self.state.tokens if len(t) >= 20]

    def subscribed_fields(self, page: str, timeout: float = 10) -> list[str]:
        """The Page's subscribed fields, once the sync the connect requested has run (the relay
        runs it after commit, so it may lag the response by a moment)."""
        deadline = time.monotonic() + timeout
        while not (fields := self.sent()["subscriptions"].get(page)):
            assert time.monotonic() < deadline, f"{page} was never subscribed"
            time.sleep(0.02)
        return list(fields)


@contextlib.contextmanager
def sandbox_process() -> Iterator[Sandbox]:
    state = SandboxState.seeded()
    port = free_port()
    config = uvicorn.Config(
        create_sandbox_app(state), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the sandbox did not start"
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            yield Sandbox(url, state, client)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- servers --------------------------------------------------------------------------------


@dataclass
class Stack:
    urls: list[str]
    database_url: str
    var: Path
    sandbox: Sandbox
    responses: list[str] = field(default_factory=list)  # every body the test received

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SALONHUB_")}
        env.update(
            SALONHUB_DATABASE_URL=self.database_url,
            SALONHUB_VAR_DIR=str(self.var),
            SALONHUB_SECRET_KEY=SECRET,
            SALONHUB_ENCRYPTION_KEYS=KEY_A,
            SALONHUB_PUBLIC_URL=PUBLIC,
            SALONHUB_META_GRAPH_URL=self.sandbox.url,
            SALONHUB_META_DIALOG_URL=self.sandbox.url,
            SALONHUB_LOG_LEVEL="debug",
        )
        env.update(extra)
        return env

    def cli(self, *args: str, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
        )
        with (self.var / "cli.log").open("a") as log:
            log.write(done.stdout + done.stderr)
        assert done.returncode == 0, done.stderr
        return done.stdout


def meta_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    return {
        "SALONHUB_PUBLIC_URL": PUBLIC,
        "SALONHUB_META_GRAPH_URL": sandbox.url,
        "SALONHUB_META_DIALOG_URL": sandbox.url,
        "SALONHUB_PERIODIC_JOBS": "off",
        "SALONHUB_LOG_LEVEL": "debug",
        **extra,
    }


@pytest.fixture(scope="module")
def meta_sandbox() -> Iterator[Sandbox]:
    with sandbox_process() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def sqlite_stack(
    tmp_path_factory: pytest.TempPathFactory, meta_sandbox: Sandbox
) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("meta-sqlite")
    url = f"sqlite+aiosqlite:///{var}/salonhub.db"
    with serve(url, var, processes=2, extra_env=meta_env(meta_sandbox)) as urls:
        yield Stack(urls, url, var, meta_sandbox)


@pytest.fixture(scope="module")
def postgres_stack(
    tmp_path_factory: pytest.TempPathFactory, meta_sandbox: Sandbox, pg_admin_url: str
) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("meta-pg")
    name = f"salonhub_meta_{os.urandom(5).hex()}"
    asyncio.run(_pg(f"CREATE DATABASE {name}"))
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        with serve(url, var, processes=2, extra_env=meta_env(meta_sandbox)) as urls:
            yield Stack(urls, url, var, meta_sandbox)
    finally:
        asyncio.run(_pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def _pg(sql: str, database: str = "postgres") -> list[Any]:
    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database=database)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest) -> Stack:
    result: Stack = request.getfixturevalue(f"{request.param}_stack")
    result.sandbox.control("DELETE", "failures")
    return result


@pytest.fixture
def http(stack: Stack) -> Iterator[httpx.Client]:
    def keep(response: httpx.Response) -> None:
        response.read()
        stack.responses.append(response.text + json.dumps(dict(response.headers)))

    with httpx.Client(
        base_url=stack.urls[0], timeout=60, event_hooks={"response": [keep]}
    ) as client:
        yield client


# --- the owner's browser ----------------------------------------------------------------------


class DialogForm(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.pages: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields.append((a["name"], a["value"]))
        elif tag == "input" and a.get("type") == "checkbox":
            self.pages.append(a["value"])


def paid_salon(stack: Stack, http: httpx.Client, tier: str = "growth") -> SalonFixture:
    salon = make_salon(http, staff=1)
    stack.cli("salon", "set-tier", salon.salon_id, tier)
    return salon


def authorize(http: httpx.Client, salon: SalonFixture) -> str:
    r = http.post("/api/meta/connect", json={"salon_id": salon.salon_id}, headers=salon.auth)
    assert r.status_code == 200, r.text
    url: str = r.json()["authorize_url"]
    return url


def dialog(
    stack: Stack, authorize_url: str, *, pages: list[str] | None, approve: bool = True
) -> dict[str, str]:
    """Open Meta's dialog, choose `pages` (None: all offered), approve or cancel; answer the
    query Meta redirects the browser to our callback with."""
    with httpx.Client(timeout=30) as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text
        form = DialogForm()
        form.feed(page.text)
        chosen = form.pages if pages is None else pages
        data = [*form.fields, *(("page_ids", p) for p in chosen)]
        data.append(("action", "approve" if approve else "cancel"))
        r = browser.post(
            urljoin(authorize_url, form.action),  # relative to the dialog, as a browser does
            content=urlencode(data),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert r.status_code == 302, r.text
    location = urlsplit(r.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PUBLIC}/api/meta/callback"
    return {k: v[-1] for k, v in parse_qs(location.query).items()}


def callback(http: httpx.Client, query: dict[str, str]) -> httpx.Response:
    return http.get(f"/api/meta/callback?{urlencode(query)}", follow_redirects=False)


def landing(response: httpx.Response) -> dict[str, str]:
    """The admin page the callback sends the owner to, and its query."""
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == "/admin/integrations/meta"
    return {k: v[-1] for k, v in parse_qs(location.query).items()}


def status(http: httpx.Client, salon: SalonFixture, base: str | None = None) -> dict[str, Any]:
    url = f"{base or ''}/api/meta/status/{salon.salon_id}"
    r = http.get(url, headers=salon.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def connect(
    stack: Stack, http: httpx.Client, salon: SalonFixture, pages: list[str]
) -> dict[str, str]:
    return landing(callback(http, dialog(stack, authorize(http, salon), pages=pages)))


def sealed_rows(stack: Stack, salon_id: str) -> dict[str, Any]:
    """The salon's integration row as stored."""
    sql = f"SELECT * FROM meta_integrations WHERE salon_id = '{salon_id}'"
    if stack.database_url.startswith("sqlite"):
        path = stack.database_url.split("///", 1)[1]
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.row_factory = sqlite3.Row
            row = db.execute(sql).fetchone()
            return dict(row) if row else {}
    name = stack.database_url.rsplit("/", 1)[1]
    rows = asyncio.run(_pg(sql, name))
    return dict(rows[0]) if rows else {}


def database_dump(stack: Stack) -> str:
    """Every value of every table, as text (for the plaintext-token scan)."""
    if stack.database_url.startswith("sqlite"):
        path = stack.database_url.split("///", 1)[1]
        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return "\n".join(
                repr(row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')
            )
    name = stack.database_url.rsplit("/", 1)[1]

    async def dump() -> str:
        conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database=name)
        try:
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            parts: list[str] = []
            for t in tables:
                rows = await conn.fetch(f'SELECT * FROM "{t["tablename"]}"')
                parts.extend(repr(dict(r)) for r in rows)
            return "\n".join(parts)
        finally:
            await conn.close()

    return asyncio.run(dump())


# --- the journey ------------------------------------------------------------------------------


def test_connect_pick_status_disconnect_reconnect(stack: Stack, http: httpx.Client) -> None:
    salon = make_salon(http, staff=1)
    r = http.post("/api/meta/connect", json={"salon_id": salon.salon_id}, headers=salon.auth)
    assert r.status_code == 403 and r.json()["error"]["code"] == "plan_required"
    assert http.get(f"/api/meta/status/{salon.salon_id}", headers=salon.auth).status_code == 403
    stack.cli("salon", "set-tier", salon.salon_id, "growth")
    assert status(http, salon)["status"] == "not_connected"

    url = authorize(http, salon)
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{stack.sandbox.url}/v26.0/dialog/oauth?")
    assert query["client_id"] == stack.sandbox.state.app_id
    assert query["redirect_uri"] == f"{PUBLIC}/api/meta/callback"
    assert query["response_type"] == "code" and "pages_messaging" in query["scope"].split(",")
    assert "extras" not in query  # plain login mode

    # Two Pages granted: the owner is sent to the page picker.
    to = landing(callback(http, dialog(stack, url, pages=[GLOW, ANNEX])))
    assert to == {"salon_id": salon.salon_id, "result": "select_page", "step": "select-page"}
    pending = status(http, salon)
    assert pending["status"] == "pending" and pending["page"] is None
    assert {(p["id"], p["instagram_username"], p["available"]) for p in pending["pages"]} == {
        (GLOW, "glowstudio.bandra", True),
        (ANNEX, None, True),
    }
    r = http.post(
        "/api/meta/select-page",
        json={"salon_id": salon.salon_id, "page_id": "999"},
        headers=salon.auth,
    )
    assert r.status_code == 422 and "page_id" in r.json()["error"]["details"]["fields"]

    r = http.post(
        "/api/meta/select-page",
        json={"salon_id": salon.salon_id, "page_id": GLOW},
        headers=salon.auth,
    )
    assert r.status_code == 200, r.text
    active = r.json()
    assert active["status"] == "active" and active["mode"] == "login"
    assert active["page"] == {"id": GLOW, "name": "Glow Studio Bandra"}
    assert active["instagram"]["username"] == "glowstudio.bandra"
    assert active["token"]["valid"] is True and active["token"]["expires_at"] is None
    assert active["token"]["data_access_expires_at"].endswith("+05:30")
    assert active["buttons"] == {"facebook": None, "instagram": None, "messenger": None}
    slug_links = active["booking_links"]
    assert slug_links["instagram"].startswith(f"{PUBLIC}/book/") and slug_links[
        "instagram"
    ].endswith("?src=instagram")
    assert set(slug_links) == {"instagram", "facebook", "messenger", "story"}
    assert active["pages"] == [] and active["sync_error"] is None and active["last_sync_at"]
    assert sorted(stack.sandbox.subscribed_fields(GLOW)) == sorted(FIELDS)
    # The other process reads the same state.
    assert status(http, salon, stack.urls[1])["page"]["id"] == GLOW

    row = sealed_rows(stack, salon.salon_id)
    assert row["page_token_sealed"] and row["user_token_sealed"]
    for token in stack.sandbox.tokens():
        assert token not in str(row)

    r = http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)
    assert r.status_code == 200, r.text
    gone = r.json()
    assert gone["status"] == "disconnected" and gone["page"] is None and gone["instagram"] is None
    sent = stack.sandbox.sent()
    assert GLOW not in sent["subscriptions"] or not sent["subscriptions"][GLOW]
    assert sent["revocations"], "the login is revoked"
    row = sealed_rows(stack, salon.salon_id)
    assert row["page_token_sealed"] is None and row["user_token_sealed"] is None
    assert row["meta_user_id"] is None and row["page_id"] is None
    again = http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)
    assert again.status_code == 200 and again.json()["status"] == "disconnected"

    # Reconnect with one Page: straight to active.
    assert connect(stack, http, salon, [GLOW]) == {
        "salon_id": salon.salon_id,
        "result": "connected",
    }
    assert status(http, salon)["status"] == "active"
    # Connecting twice is idempotent.
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    assert status(http, salon)["page"]["id"] == GLOW
    http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)


def test_state_forged_expired_replayed_or_foreign_is_refused(
    stack: Stack, http: httpx.Client
) -> None:
    salon = paid_salon(stack, http)
    query = dialog(stack, authorize(http, salon), pages=[GLOW])
    signer = StateSigner(SECRET.encode())
    now = datetime.now(UTC)
    forged = dict(
        query, state=query["state"][:-2] + ("AA" if not query["state"].endswith("AA") else "BB")
    )
    expired = dict(
        query,
        state=signer.sign(StateClaims("n" * 32, salon.salon_id, "x", now - timedelta(seconds=1))),
    )
    unknown_nonce = dict(
        query,
        state=signer.sign(StateClaims("n" * 32, salon.salon_id, "x", now + timedelta(minutes=5))),
    )
    other_key = dict(
        query,
        state=StateSigner(b"another-secret-key-0123").sign(
            StateClaims("n" * 32, salon.salon_id, "x", now + timedelta(minutes=5))
        ),
    )
    for bad in (forged, expired, unknown_nonce, other_key, {"code": query["code"]}):
        r = callback(http, bad)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden"
    assert status(http, salon)["status"] == "not_connected"  # nothing stored

    assert landing(callback(http, query))["result"] == "connected"
    replay = callback(http, query)
    assert replay.status_code == 403 and replay.json()["error"]["code"] == "forbidden"
    # A state is bound to its owner and salon: another owner's state cannot land here.
    other = paid_salon(stack, http)
    foreign = dialog(stack, authorize(http, other), pages=[ANNEX])
    assert landing(callback(http, foreign))["salon_id"] == other.salon_id
    assert status(http, salon)["page"]["id"] == GLOW
    for s in (salon, other):
        http.post("/api/meta/disconnect", json={"salon_id": s.salon_id}, headers=s.auth)


def test_cancelled_dialog_stores_nothing_and_says_why(stack: Stack, http: httpx.Client) -> None:
    salon = paid_salon(stack, http)
    query = dialog(stack, authorize(http, salon), pages=[GLOW], approve=False)
    assert query["error"] == "access_denied" and "code" not in query
    to = landing(callback(http, query))
    assert to["salon_id"] == salon.salon_id and to["error"] == "access_denied"
    assert "cancelled" in to["reason"]
    assert status(http, salon)["status"] == "not_connected"
    page = http.get("/admin/integrations/meta", params=to)
    assert page.status_code == 200 and "cancelled" in page.text


def test_a_page_belongs_to_one_salon(stack: Stack, http: httpx.Client) -> None:
    first, second = paid_salon(stack, http), paid_salon(stack, http, "elite")
    assert connect(stack, http, first, [GLOW])["result"] == "connected"
    refused = connect(stack, http, second, [GLOW])
    assert refused["result"] == "error" and refused["error"] == "page_in_use"
    assert status(http, second)["status"] == "not_connected"
    # Through the picker: the taken Page is marked, and choosing it is a conflict.
    assert connect(stack, http, second, [GLOW, ANNEX])["result"] == "select_page"
    choices = {p["id"]: p["available"] for p in status(http, second)["pages"]}
    assert choices == {GLOW: False, ANNEX: True}
    r = http.post(
        "/api/meta/select-page",
        json={"salon_id": second.salon_id, "page_id": GLOW},
        headers=second.auth,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert status(http, first)["page"]["id"] == GLOW
    # Another owner cannot read or change this salon's integration.
    for path, body in (
        ("/api/meta/connect", {"salon_id": first.salon_id}),
        ("/api/meta/disconnect", {"salon_id": first.salon_id}),
        ("/api/meta/select-page", {"salon_id": first.salon_id, "page_id": ANNEX}),
    ):
        assert http.post(path, json=body, headers=second.auth).status_code == 404
    assert http.get(f"/api/meta/status/{first.salon_id}", headers=second.auth).status_code == 404
    for s in (first, second):
        http.post("/api/meta/disconnect", json={"salon_id": s.salon_id}, headers=s.auth)


def test_disconnect_while_meta_is_down_cleans_up_later(stack: Stack, http: httpx.Client) -> None:
    salon = paid_salon(stack, http)
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    assert stack.sandbox.subscribed_fields(GLOW)
    stack.sandbox.control("POST", "failures", {"kind": "server_error", "status": 503, "times": 500})
    r = http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)
    assert r.status_code == 200 and r.json()["status"] == "disconnected"
    assert stack.sandbox.sent()["subscriptions"].get(GLOW), "Meta was down: still subscribed"
    stack.sandbox.control("DELETE", "failures")
    assert "done: 1" in stack.cli("meta", "cleanup", "--all")
    assert not stack.sandbox.sent()["subscriptions"].get(GLOW)
    assert "done: 0, retry: 0" in stack.cli("meta", "cleanup", "--all")


def test_a_dead_token_turns_the_integration_to_error(stack: Stack, http: httpx.Client) -> None:
    salon = paid_salon(stack, http)
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    stack.sandbox.control("POST", "tokens/kill", {"subcode": 460})
    out = stack.cli("meta", "check-tokens", "--all")
    assert re.search(r"invalid: [1-9]", out), out
    now = status(http, salon)
    assert now["status"] == "error" and now["token"]["valid"] is False
    assert "password" in now["sync_error"]
    # Reconnecting restores it (the sandbox issues fresh tokens on a new login).
    stack.sandbox.control("POST", "reset")
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    assert status(http, salon)["status"] == "active"
    http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)


def _signed_request(payload: dict[str, Any], secret: str = DEFAULT_APP_SECRET) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    body = b64(json.dumps(payload).encode())
    sig = b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())
    return f"{sig}.{body}"


def test_deauthorize_and_data_deletion(stack: Stack, http: httpx.Client) -> None:
    salon = paid_salon(stack, http)
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    user_id = stack.sandbox.state.user.id
    payload = {"user_id": user_id, "algorithm": "HMAC-SHA256", "issued_at": int(time.time())}
    for bad in ({"signed_request": _signed_request(payload, "wrong")}, {}, {"x": "y"}):
        r = http.post("/api/meta/deauthorize", data=bad)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = http.post("/api/meta/data-deletion", data={"signed_request": "abc.def"})
    assert r.status_code == 401
    assert status(http, salon)["status"] == "active"

    r = http.post("/api/meta/deauthorize", data={"signed_request": _signed_request(payload)})
    assert r.status_code == 200 and r.json()["disconnected"] >= 1
    assert status(http, salon)["status"] == "disconnected"
    row = sealed_rows(stack, salon.salon_id)
    assert row["meta_user_id"] is None and row["page_token_sealed"] is None

    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    r = http.post("/api/meta/data-deletion", data={"signed_request": _signed_request(payload)})
    assert r.status_code == 200, r.text
    receipt = r.json()
    code = receipt["confirmation_code"]
    assert receipt["url"] == f"{PUBLIC}/api/meta/data-deletion/{code}"
    assert status(http, salon)["status"] == "disconnected"
    page = http.get(f"/api/meta/data-deletion/{code}")
    assert page.status_code == 200 and code in page.text and "completed" in page.text
    assert http.get("/api/meta/data-deletion/NOSUCHCODE").status_code == 404
    assert user_id not in database_dump(stack)


def test_mbe_mode_configures_the_buttons(tmp_path: Path, meta_sandbox: Sandbox) -> None:
    var = tmp_path
    url = f"sqlite+aiosqlite:///{var}/salonhub.db"
    env = meta_env(meta_sandbox, SALONHUB_META_MODE="mbe")
    with serve(url, var, extra_env=env) as urls, httpx.Client(base_url=urls[0], timeout=60) as http:
        stack = Stack(urls, url, var, meta_sandbox)
        salon = paid_salon(stack, http, "elite")
        authorize_url = authorize(http, salon)
        query = {k: v[-1] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        assert "manage_business_extension" in query["scope"].split(",")
        extras = json.loads(query["extras"])
        assert extras["setup"]["external_business_id"] == salon.salon_id
        assert extras["setup"]["business_vertical"] == "APPOINTMENTS"
        assert extras["setup"]["timezone"] == "Asia/Kolkata"
        assert extras["setup"]["currency"] == "INR"
        config = extras["business_config"]
        assert config["page_cta"]["cta_button_url"].endswith("?src=facebook")
        assert config["ig_cta"]["cta_button_url"].endswith("?src=instagram")
        assert config["messenger_menu"]["cta_button_url"].endswith("?src=messenger")
        to = landing(callback(http, dialog(stack, authorize_url, pages=[GLOW])))
        assert to["result"] == "connected", to
        now = status(http, salon)
        assert now["mode"] == "mbe" and now["status"] == "active"
        assert now["buttons"] == {
            "facebook": config["page_cta"]["cta_button_url"],
            "instagram": config["ig_cta"]["cta_button_url"],
            "messenger": config["messenger_menu"]["cta_button_url"],
        }
        assert salon.salon_id in meta_sandbox.sent()["installs"]
        r = http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)
        assert r.json()["status"] == "disconnected"
        assert salon.salon_id not in meta_sandbox.sent()["installs"]


def test_no_token_in_logs_responses_or_database(stack: Stack, http: httpx.Client) -> None:
    salon = paid_salon(stack, http)
    assert connect(stack, http, salon, [GLOW, ANNEX])["result"] == "select_page"
    http.post(
        "/api/meta/select-page",
        json={"salon_id": salon.salon_id, "page_id": GLOW},
        headers=salon.auth,
    )
    assert status(http, salon)["status"] == "active"
    stack.cli("meta", "check-tokens", "--all")
    tokens = stack.sandbox.tokens()
    assert len(tokens) >= 3  # user tokens (short and long-lived) and Page tokens
    assert sealed_rows(stack, salon.salon_id)["page_token_sealed"]
    logs = (stack.var / "server.log").read_text(errors="replace")
    logs += (stack.var / "cli.log").read_text(errors="replace")
    assert "meta" in logs.lower(), "the logs were captured"
    haystacks = {
        "logs": logs,
        "responses": "\n".join(stack.responses),
        "database": database_dump(stack),
    }
    for where, text in haystacks.items():
        for token in tokens:
            assert token not in text, f"a Meta token appears in the {where}"
        assert DEFAULT_APP_SECRET not in text, f"the app secret appears in the {where}"
    http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)


def test_keys_rotate_reencrypts_resumably(stack: Stack, http: httpx.Client) -> None:
    salon = paid_salon(stack, http)
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    before = sealed_rows(stack, salon.salon_id)
    ring = f"{KEY_B},{KEY_A}"
    out = stack.cli("keys", "rotate", "--batch", "1", SALONHUB_ENCRYPTION_KEYS=ring)
    rotated = int(re.search(r"re-encrypted (\d+)", out).group(1))  # type: ignore[union-attr]
    assert rotated >= 2, out
    after = sealed_rows(stack, salon.salon_id)
    assert after["page_token_sealed"] != before["page_token_sealed"]
    assert "re-encrypted 0" in stack.cli("keys", "rotate", SALONHUB_ENCRYPTION_KEYS=ring)
    # Only the new key is needed now: a token check opens the Page token with it alone.
    out = stack.cli("meta", "check-tokens", "--all", SALONHUB_ENCRYPTION_KEYS=KEY_B)
    assert "ok: " in out and "invalid: 0" in out, out
    # Rotate back so the running servers (old ring) can still read every token.
    stack.cli("keys", "rotate", SALONHUB_ENCRYPTION_KEYS=f"{KEY_A},{KEY_B}")
    http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)


def test_racing_callbacks_one_state_one_winner_one_page_one_salon(
    stack: Stack, http: httpx.Client
) -> None:
    """Replayed callbacks race on both server processes; two salons race for one Page."""
    salon = paid_salon(stack, http)
    query = dialog(stack, authorize(http, salon), pages=[GLOW])

    def hit(i: int, q: dict[str, str]) -> httpx.Response:
        base = stack.urls[i % len(stack.urls)]
        with httpx.Client(base_url=base, timeout=60) as c:
            return callback(c, q)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: hit(i, query), range(8)))
    assert sorted(r.status_code for r in answers) == [302] + [403] * 7
    assert status(http, salon)["status"] == "active"
    http.post("/api/meta/disconnect", json={"salon_id": salon.salon_id}, headers=salon.auth)

    rivals = [paid_salon(stack, http) for _ in range(4)]
    queries = [dialog(stack, authorize(http, s), pages=[GLOW]) for s in rivals]
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [landing(r) for r in pool.map(lambda iq: hit(*iq), enumerate(queries))]
    assert sorted(o["result"] for o in outcomes) == ["connected", "error", "error", "error"]
    assert {o.get("error") for o in outcomes if o["result"] == "error"} == {"page_in_use"}
    holders = [s for s in rivals if status(http, s)["status"] == "active"]
    assert len(holders) == 1 and status(http, holders[0])["page"]["id"] == GLOW
    for s in rivals:
        http.post("/api/meta/disconnect", json={"salon_id": s.salon_id}, headers=s.auth)


def test_a_permission_revocation_webhook_disconnects_within_seconds(
    stack: Stack, http: httpx.Client
) -> None:
    salon = paid_salon(stack, http)
    assert connect(stack, http, salon, [GLOW])["result"] == "connected"
    user_id = stack.sandbox.state.user.id
    body = json.dumps(
        {
            "object": "permissions",
            "entry": [
                {
                    "id": user_id,
                    "time": int(time.time()),
                    "changes": [
                        {
                            "field": "pages_messaging",
                            "value": {"verb": "revoked", "target_ids": [GLOW]},
                        }
                    ],
                }
            ],
        }
    ).encode()
    signature = hmac.new(DEFAULT_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    r = httpx.post(
        f"{stack.urls[1]}/api/webhooks/meta",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"},
    )
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text
    deadline = time.monotonic() + 15
    while status(http, salon)["status"] != "disconnected":
        assert time.monotonic() < deadline, "the webhook was not processed"
        time.sleep(0.1)
    assert "pages_messaging" in status(http, salon)["sync_error"]
    events = http.get(
        f"/api/salons/{salon.salon_id}/webhook-events",
        params={"status": "failed"},
        headers=salon.auth,
    )
    assert events.status_code == 200 and events.json() == {"items": []}
    missing = http.post(
        f"/api/salons/{salon.salon_id}/webhook-events/nope/replay", headers=salon.auth
    )
    assert missing.status_code == 404


def test_sync_now_pushes_the_profile_again(stack: Stack, http: httpx.Client) -> None:
    salon = make_salon(http, staff=1)
    body = {"salon_id": salon.salon_id}
    refused = http.post("/api/meta/sync", json=body, headers=salon.auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "plan_required"
    stack.cli("salon", "set-tier", salon.salon_id, "growth")
    early = http.post("/api/meta/sync", json=body, headers=salon.auth)
    assert early.status_code == 409 and "Connect" in early.json()["error"]["message"]
    assert connect(stack, http, salon, [ANNEX])["result"] == "connected"

    def pushes() -> int:
        return sum(1 for entry in stack.sandbox.sent()["profile_log"] if ANNEX in str(entry))

    deadline = time.monotonic() + 20
    while not pushes() and time.monotonic() < deadline:
        time.sleep(0.2)
    before = pushes()
    assert before >= 1, "connecting syncs the profile"
    r = http.post("/api/meta/sync", json=body, headers=salon.auth)
    assert r.status_code == 202 and r.json() == {"job_id": f"meta-sync:{salon.salon_id}"}
    # Nothing changed, yet "Sync now" pushes again (a full sync, not skipped as unchanged).
    deadline = time.monotonic() + 20  # its own wait: the first one may have used most of its 20 s
    while pushes() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pushes() == before + 1
    other = make_salon(http, staff=1)
    foreign = http.post("/api/meta/sync", json=body, headers=other.auth)
    assert foreign.status_code == 404
    http.post("/api/meta/disconnect", json=body, headers=salon.auth)
