"""The Meta connection use cases end to end against the built-in sandbox, in process.

Login errors, the page picker, the daily token check, disconnect cleanups (retry, backoff,
abandon), the "same Meta user, another salon" revoke rule, key rotation and Meta's privacy
callbacks. The real Graph adapter talks to the sandbox through httpx.ASGITransport with no-op
sleeps, so nothing waits and nothing leaves the process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar import Litestar

from adapters.outbound.crypto.key_ring import key_id
from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.clock import FixedClock
from adapters.outbound.meta.client import HttpxMetaGraph
from adapters.outbound.meta.resilience import RetryPolicy
from application.actor import Actor
from application.meta.cleanups import MetaCleanups
from application.meta.login import CallbackOutcome
from application.meta.wording import PERMISSION_REASON, token_death_reason
from application.ports.meta_graph import MetaUser, UserAccessToken
from domain.errors import Conflict, DependencyUnavailable, NotFound, Unauthorized
from domain.meta import IntegrationStatus, MetaCleanup, MetaIntegration
from domain.salon import Tier
from entrypoints.bootstrap import MEMORY_URL, Container, bootstrap
from entrypoints.meta_sandbox import DEFAULT_APP_SECRET, SandboxState, create_sandbox_app
from entrypoints.settings import Settings

PUBLIC_URL = "http://salonhub.test"
REDIRECT_URI = f"{PUBLIC_URL}/api/meta/callback"
GLOW = "101000000000001"  # with Instagram @glowstudio.bandra
ANNEX = "101000000000002"
SANDBOX_USER = "900000000000001"

Hook = Callable[[], Awaitable[None]]


async def no_sleep(_seconds: float) -> None:
    return None


class PlainHasher:
    """Sign-up without scrypt's deliberate slowness (these tests are about Meta)."""

    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, password: str, password_hash: str) -> bool:
        return password_hash == "plain:" + password


class ScriptedGraph(HttpxMetaGraph):
    """The real adapter, plus a one-shot hook before a chosen call: lets a test change the
    sandbox between two steps of a login (a password change, a token expiring)."""

    def __init__(self, client: httpx.AsyncClient, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.before: dict[str, Hook] = {}

    async def _hook(self, name: str) -> None:
        hook = self.before.pop(name, None)
        if hook is not None:
            await hook()

    async def exchange_long_lived(self, short_lived_token: str, *, key: str) -> UserAccessToken:
        await self._hook("exchange_long_lived")
        return await super().exchange_long_lived(short_lived_token, key=key)

    async def me(self, user_token: str, *, key: str) -> MetaUser:
        await self._hook("me")
        return await super().me(user_token, key=key)


@dataclass
class Meta:
    """One sandbox (Meta) and the fast Graph adapter talking to it; shared by containers."""

    app: Litestar
    control: httpx.AsyncClient
    graph: ScriptedGraph

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state["sandbox"].state
        return state

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.control.request(method, f"/_sandbox/{path}", json=body)
        assert response.is_success, response.text
        return response.json()

    async def fail(self, kind: str, **rule: Any) -> None:
        await self.call("POST", "failures", {"kind": kind, **rule})

    async def heal(self) -> None:
        await self.call("DELETE", "failures")

    async def sent(self) -> dict[str, Any]:
        sent: dict[str, Any] = await self.call("GET", "sent")
        return sent

    async def graph_calls(self, path: str) -> int:
        got = await self.call("GET", "requests")
        return sum(1 for r in got["requests"] if r["path"] == path)


@dataclass
class World:
    c: Container
    clock: FixedClock
    uow: InMemoryUnitOfWorkFactory
    meta: Meta
    owner: Actor
    salon_id: str


def make_container(
    meta: Meta, uow: InMemoryUnitOfWorkFactory, clock: FixedClock, keys: tuple[bytes, ...]
) -> Container:
    return bootstrap(
        Settings(
            database_url=MEMORY_URL,
            secret_key=b"x" * 32,
            encryption_keys=keys,
            public_url=PUBLIC_URL,
        ),
        clock=clock,
        uow=uow,
        hasher=PlainHasher(),
        meta_graph=meta.graph,
    )


async def paid_salon(c: Container, n: int) -> tuple[Actor, str]:
    made = await c.use_cases.sign_up(
        email=f"owner{n}@example.com",
        password="correct horse",
        salon_name=f"Glow {n}",
        timezone="Asia/Kolkata",
    )
    await c.use_cases.set_tier(made.salon_id, Tier.GROWTH)
    return Actor(made.owner_id), made.salon_id


@pytest.fixture
async def meta() -> AsyncIterator[Meta]:
    app = create_sandbox_app()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar is ASGI
    control = httpx.AsyncClient(transport=transport, base_url="http://sb")
    client = httpx.AsyncClient(transport=transport)
    graph = ScriptedGraph(
        client,
        base_url="http://meta-sandbox.internal",
        app_id=app.state["sandbox"].state.app_id,
        app_secret=app.state["sandbox"].state.app_secret,
        retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001, max_total_delay=1),
        failure_threshold=1_000_000,  # these tests are about the use cases, not the breaker
        sleep=no_sleep,
    )
    yield Meta(app, control, graph)
    await control.aclose()
    await client.aclose()


@pytest.fixture
def clock() -> FixedClock:
    # The sandbox stamps tokens with the real time: keep our clock there too.
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def w(meta: Meta, clock: FixedClock) -> World:
    uow = InMemoryUnitOfWorkFactory()
    c = make_container(meta, uow, clock, (os.urandom(32),))
    owner, salon_id = await paid_salon(c, 1)
    return World(c, clock, uow, meta, owner, salon_id)


async def log_in(
    c: Container,
    meta: Meta,
    owner: Actor,
    salon_id: str,
    pages: list[str],
    *,
    then_sync: bool = True,
) -> CallbackOutcome:
    """Log in through the sandbox's dialog; then (as the relay does after commit) run the Meta
    sync a connection owes, which subscribes the Page."""
    authorize_url = await c.use_cases.meta_login.connect(owner, salon_id)
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]
    minted = await meta.call("POST", "codes", {"redirect_uri": REDIRECT_URI, "page_ids": pages})
    outcome = await c.use_cases.meta_login.callback(state=state, code=minted["code"])
    if then_sync:
        await c.meta_sync.run_due()
    return outcome


async def connected(w: World, page: str = GLOW) -> MetaIntegration:
    outcome = await log_in(w.c, w.meta, w.owner, w.salon_id, [page])
    assert outcome == CallbackOutcome(w.salon_id, "connected")
    return await stored(w.uow, w.salon_id)


async def stored(uow: InMemoryUnitOfWorkFactory, salon_id: str) -> MetaIntegration:
    found = await maybe_stored(uow, salon_id)
    assert found is not None
    return found


async def maybe_stored(uow: InMemoryUnitOfWorkFactory, salon_id: str) -> MetaIntegration | None:
    async with uow() as tx:
        return await tx.meta.get(salon_id)


async def all_cleanups(uow: InMemoryUnitOfWorkFactory) -> list[MetaCleanup]:
    async with uow() as tx:
        return list(await tx.meta_cleanups.cleanups(None, 1000))


async def alert_kinds(uow: InMemoryUnitOfWorkFactory, salon_id: str) -> list[str]:
    async with uow() as tx:
        return [a.kind for a in await tx.alerts.alerts(salon_id)]


def sealed_values(integration: MetaIntegration) -> list[str]:
    return [
        s for s in (integration.user_token_sealed, integration.page_token_sealed) if s is not None
    ]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def signed_request(user_id: str, secret: str = DEFAULT_APP_SECRET) -> str:
    payload = b64url(
        json.dumps(
            {"algorithm": "HMAC-SHA256", "user_id": user_id, "issued_at": 1_790_000_000}
        ).encode()
    )
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{b64url(signature)}.{payload}"


# --- a successful login (the baseline the error cases differ from) ---


async def test_a_login_with_one_page_connects_it_with_sealed_tokens(w: World) -> None:
    outcome = await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW], then_sync=False)
    assert outcome == CallbackOutcome(w.salon_id, "connected")
    # Subscribing the Page is the sync's job, after commit: nothing at Meta yet.
    assert GLOW not in (await w.meta.sent())["subscriptions"]
    assert await w.c.meta_sync.run_due() == {"synced": 1}
    integration = await stored(w.uow, w.salon_id)

    assert integration.status == IntegrationStatus.ACTIVE
    assert integration.meta_user_id == SANDBOX_USER
    assert integration.page is not None and integration.page.id == GLOW
    assert integration.instagram is not None
    assert integration.instagram.username == "glowstudio.bandra"
    assert integration.token.valid is True
    plain = set(w.meta.state.tokens)  # every token the sandbox ever issued, in clear
    assert len(sealed_values(integration)) == 2
    for sealed in sealed_values(integration):
        assert sealed.startswith("v1.")
        assert sealed not in plain
        assert not any(token in sealed for token in plain)
    sent = await w.meta.sent()
    assert GLOW in sent["subscriptions"]


# --- 1. the callback when Meta refuses or fails ---


@dataclass(frozen=True)
class LoginFailure:
    rule: dict[str, Any] | None  # a /_sandbox/failures rule
    hook: str | None  # or a change to the sandbox just before this adapter call
    reason: str


def _kill_all_tokens(meta: Meta) -> Hook:
    async def hook() -> None:
        await meta.call("POST", "tokens/kill", {"subcode": 460})  # the password changed

    return hook


def _expire_short_token(meta: Meta) -> Hook:
    async def hook() -> None:
        await meta.call("POST", "clock", {"advance_seconds": 5401})  # short token: 5400 s

    return hook


THROTTLED = "Meta is limiting requests right now. Wait a few minutes and connect again."
UNREACHABLE = "We could not reach Meta just now. Try connecting again in a few minutes."
LOGIN_FAILURES = {
    "token_190_460": LoginFailure(None, "me", token_death_reason(460)),
    "token_190_463": LoginFailure(None, "exchange_long_lived", token_death_reason(463)),
    "permission_10": LoginFailure(
        {"kind": "permission", "code": 10, "path": "debug_token"}, None, PERMISSION_REASON
    ),
    "permission_200": LoginFailure(
        {"kind": "permission", "code": 200, "path": "/me/accounts"}, None, PERMISSION_REASON
    ),
    "throttle_4": LoginFailure(
        {"kind": "throttle", "code": 4, "path": "/oauth/access_token"}, None, THROTTLED
    ),
    "throttle_32": LoginFailure(
        {"kind": "throttle", "code": 32, "path": "/oauth/access_token"}, None, THROTTLED
    ),
    "throttle_613": LoginFailure({"kind": "throttle", "code": 613, "path": "/me"}, None, THROTTLED),
    "throttle_80001": LoginFailure(
        {"kind": "throttle", "code": 80001, "path": f"/{GLOW}"}, None, THROTTLED
    ),
    "server_500": LoginFailure(
        {"kind": "server_error", "status": 500, "path": "/oauth/access_token"}, None, UNREACHABLE
    ),
    "server_503": LoginFailure(
        {"kind": "server_error", "status": 503, "path": "/debug_token"}, None, UNREACHABLE
    ),
}


@pytest.mark.parametrize("case", list(LOGIN_FAILURES.values()), ids=list(LOGIN_FAILURES))
async def test_callback_reports_meta_errors_in_plain_words_and_stores_nothing(
    w: World, case: LoginFailure
) -> None:
    if case.rule is not None:
        await w.meta.fail(**case.rule)
    if case.hook == "me":
        w.meta.graph.before["me"] = _kill_all_tokens(w.meta)
    elif case.hook == "exchange_long_lived":
        w.meta.graph.before["exchange_long_lived"] = _expire_short_token(w.meta)

    outcome = await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW])

    assert outcome == CallbackOutcome(w.salon_id, "error", "meta_error", case.reason)
    assert not w.meta.graph.before, "the scripted change did not happen"
    assert await maybe_stored(w.uow, w.salon_id) is None
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.status == IntegrationStatus.NOT_CONNECTED
    assert status.sync_error is None and status.page is None
    assert await all_cleanups(w.uow) == []


def test_token_death_subcodes_give_different_reasons() -> None:
    password, expired = token_death_reason(460), token_death_reason(463)
    assert password != expired
    assert "password" in password
    assert "expired" in expired


async def test_a_refused_subscription_keeps_the_connection_and_the_sync_retries_it(
    w: World,
) -> None:
    await w.meta.fail(kind="permission", code=10, path="subscribed_apps")
    outcome = await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW], then_sync=False)
    assert outcome == CallbackOutcome(w.salon_id, "connected")

    assert await w.c.meta_sync.run_due() == {"failed": 1}
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.status == IntegrationStatus.ACTIVE
    assert status.sync_error == PERMISSION_REASON
    assert GLOW not in (await w.meta.sent())["subscriptions"]

    await w.meta.heal()
    w.clock.advance(timedelta(minutes=1))  # past the first retry (30 s)
    assert await w.c.meta_sync.run_due() == {"synced": 1}
    assert GLOW in (await w.meta.sent())["subscriptions"]
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.sync_error is None


# --- 2. choosing a Page while Meta is unavailable or refusing ---


async def _picker(w: World) -> None:
    outcome = await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW, ANNEX])
    assert outcome == CallbackOutcome(w.salon_id, "select_page")
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.status == IntegrationStatus.PENDING
    assert [(p.id, p.instagram_username) for p in status.pages] == [
        (GLOW, "glowstudio.bandra"),
        (ANNEX, None),
    ]


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "server_error", "status": 503, "path": "/me/accounts"},
        {"kind": "server_error", "status": 500, "path": "/debug_token"},
        {"kind": "throttle", "code": 613, "path": "/me/accounts"},
    ],
    ids=["503_listing", "500_checking", "throttle_613"],
)
async def test_select_page_when_meta_is_unavailable_is_a_dependency_error(
    w: World, rule: dict[str, Any]
) -> None:
    await _picker(w)
    await w.meta.fail(**rule)

    with pytest.raises(DependencyUnavailable) as raised:
        await w.c.use_cases.meta_select_page(w.owner, w.salon_id, GLOW)

    assert raised.value.retry_after_seconds > 0
    assert "Meta" in raised.value.message
    integration = await stored(w.uow, w.salon_id)
    assert integration.status == IntegrationStatus.PENDING
    assert integration.page is None and integration.page_token_sealed is None
    if rule["kind"] == "throttle":
        return  # the adapter now holds calls back locally until Meta's usage window resets
    # Once Meta is back, the same choice works.
    await w.meta.heal()
    status = await w.c.use_cases.meta_select_page(w.owner, w.salon_id, GLOW)
    assert status.status == IntegrationStatus.ACTIVE
    assert status.page is not None and status.page.id == GLOW


async def test_select_page_with_a_permission_error_is_a_conflict(w: World) -> None:
    await _picker(w)
    await w.meta.fail("permission", code=200, path="/me/accounts")

    with pytest.raises(Conflict) as raised:
        await w.c.use_cases.meta_select_page(w.owner, w.salon_id, ANNEX)

    assert raised.value.message == PERMISSION_REASON
    assert raised.value.details == {"meta_code": 200}
    assert (await stored(w.uow, w.salon_id)).status == IntegrationStatus.PENDING


# --- 3. the daily token check ---


async def test_token_check_skips_fresh_integrations_until_a_day_has_passed(w: World) -> None:
    await connected(w)
    checks = w.c.use_cases.meta_token_checks
    calls = await w.meta.graph_calls("/debug_token")

    assert await checks.check_due() == {"ok": 0, "invalid": 0, "unreachable": 0, "skipped": 0}
    w.clock.advance(timedelta(hours=10))
    assert sum((await checks.check_due()).values()) == 0
    assert await w.meta.graph_calls("/debug_token") == calls

    w.clock.advance(timedelta(hours=11))  # 21 h after connecting
    assert await checks.check_due() == {"ok": 1, "invalid": 0, "unreachable": 0, "skipped": 0}
    assert await w.meta.graph_calls("/debug_token") == calls + 1
    integration = await stored(w.uow, w.salon_id)
    assert integration.status == IntegrationStatus.ACTIVE
    assert integration.token.valid is True
    assert integration.token.checked_at == w.clock.now()
    assert await alert_kinds(w.uow, w.salon_id) == []


async def test_a_killed_token_turns_the_integration_to_error_with_one_alert_a_day(
    w: World,
) -> None:
    # Noon: the check 21 h later and the reconnect after it fall on one UTC day.
    w.clock.set(w.clock.now().replace(hour=12, minute=0, second=0))
    await connected(w)
    await w.meta.call("POST", "tokens/kill", {"subcode": 460})
    checks = w.c.use_cases.meta_token_checks
    w.clock.advance(timedelta(hours=21))

    assert (await checks.check_due())["invalid"] == 1
    integration = await stored(w.uow, w.salon_id)
    assert integration.status == IntegrationStatus.ERROR
    assert integration.token.valid is False
    assert integration.sync_error == token_death_reason(460)
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.status == IntegrationStatus.ERROR
    assert status.token_valid is False
    assert status.sync_error is not None and "password changed" in status.sync_error
    assert await alert_kinds(w.uow, w.salon_id) == ["meta_token_invalid"]

    # Run again: nothing new (the integration is no longer active).
    assert sum((await checks.check_due(everything=True)).values()) == 0
    # Reconnect the same day and lose the token again: still one alert that day.
    w.clock.advance(timedelta(minutes=5))
    await connected(w)
    await w.meta.call("POST", "tokens/kill", {"subcode": 460})
    assert (await checks.check_due(everything=True))["invalid"] == 1
    assert (await stored(w.uow, w.salon_id)).status == IntegrationStatus.ERROR
    assert await alert_kinds(w.uow, w.salon_id) == ["meta_token_invalid"]


async def test_data_access_ending_within_a_week_warns_and_alerts_once(w: World) -> None:
    await connected(w)
    page_token = w.meta.state.page_tokens[GLOW]
    await w.meta.call("POST", "tokens/data-access", {"token": page_token, "expires_in": 3 * 86400})
    checks = w.c.use_cases.meta_token_checks
    w.clock.advance(timedelta(hours=21))

    assert (await checks.check_due())["ok"] == 1
    integration = await stored(w.uow, w.salon_id)
    assert integration.status == IntegrationStatus.ACTIVE
    assert integration.token.data_access_expires_at is not None
    day = integration.token.data_access_expires_at.date().isoformat()
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert any("data access" in text and day in text for text in status.warnings)
    assert await alert_kinds(w.uow, w.salon_id) == ["meta_data_access_expiring"]

    w.clock.advance(timedelta(hours=21))  # the next day's run: same expiry, no second alert
    assert (await checks.check_due())["ok"] == 1
    assert await alert_kinds(w.uow, w.salon_id) == ["meta_data_access_expiring"]


async def test_meta_down_leaves_the_integration_unchanged(w: World) -> None:
    await connected(w)
    w.clock.advance(timedelta(hours=21))
    before = await stored(w.uow, w.salon_id)
    await w.meta.fail("server_error", status=500, path="/debug_token")

    counts = await w.c.use_cases.meta_token_checks.check_due()

    assert counts == {"ok": 0, "invalid": 0, "unreachable": 1, "skipped": 0}
    assert await stored(w.uow, w.salon_id) == before
    assert await alert_kinds(w.uow, w.salon_id) == []
    # The status page says the health shown is not fresh, and changes nothing either.
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.status == IntegrationStatus.ACTIVE
    assert any("could not reach Meta" in text for text in status.warnings)
    assert await stored(w.uow, w.salon_id) == before


# --- 4. disconnect and the cleanups it leaves ---


async def test_disconnect_when_meta_is_down_leaves_a_cleanup_finished_later(w: World) -> None:
    await connected(w)
    await w.meta.fail("server_error", status=503)

    status = await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)

    assert status.status == IntegrationStatus.DISCONNECTED
    integration = await stored(w.uow, w.salon_id)
    assert integration.meta_user_id is None and sealed_values(integration) == []
    (cleanup,) = await all_cleanups(w.uow)
    assert cleanup.page_id == GLOW and cleanup.revoke is True
    assert cleanup.attempts == 1 and cleanup.last_error
    assert cleanup.next_attempt_at > w.clock.now()
    sealed = [cleanup.page_token_sealed, cleanup.user_token_sealed]
    assert all(s is not None and s.startswith("v1.") for s in sealed)
    assert not set(sealed) & set(w.meta.state.tokens)
    assert GLOW in (await w.meta.sent())["subscriptions"]

    await w.meta.heal()
    cleanups = w.c.use_cases.meta_cleanups
    assert await cleanups.run_due() == {"done": 0, "retry": 0, "abandoned": 0}  # not yet due
    assert len(await all_cleanups(w.uow)) == 1

    w.clock.set(cleanup.next_attempt_at)
    assert await cleanups.run_due() == {"done": 1, "retry": 0, "abandoned": 0}
    assert await all_cleanups(w.uow) == []
    sent = await w.meta.sent()
    assert GLOW not in sent["subscriptions"]
    assert sent["subscription_log"][-1]["action"] == "unsubscribe"
    assert [r["user_id"] for r in sent["revocations"]] == [SANDBOX_USER]


async def test_cleanup_backs_off_then_is_abandoned(w: World) -> None:
    await connected(w)
    await w.meta.fail("server_error", status=500)  # until cleared: Meta stays down
    await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)
    cleanups = w.c.use_cases.meta_cleanups

    delays: list[timedelta] = []
    for attempt in range(2, MetaCleanups.MAX_ATTEMPTS):
        (cleanup,) = await all_cleanups(w.uow)
        assert cleanup.attempts == attempt - 1
        delays.append(cleanup.next_attempt_at - w.clock.now())
        w.clock.set(cleanup.next_attempt_at)
        assert await cleanups.run_due() == {"done": 0, "retry": 1, "abandoned": 0}

    assert all(later >= earlier for earlier, later in itertools.pairwise(delays))
    assert delays[1] > delays[0]
    assert delays[-1] == MetaCleanups.MAX_DELAY
    (cleanup,) = await all_cleanups(w.uow)
    assert cleanup.attempts == MetaCleanups.MAX_ATTEMPTS - 1
    w.clock.set(cleanup.next_attempt_at)
    assert await cleanups.run_due() == {"done": 0, "retry": 0, "abandoned": 1}
    assert await all_cleanups(w.uow) == []
    assert (await w.meta.sent())["revocations"] == []


async def test_disconnect_with_a_dead_token_completes_the_cleanup_at_once(w: World) -> None:
    await connected(w)
    await w.meta.call("POST", "tokens/kill", {"subcode": 460})

    status = await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)

    assert status.status == IntegrationStatus.DISCONNECTED
    assert await all_cleanups(w.uow) == []
    assert (await w.meta.sent())["revocations"] == []  # nothing left to undo


# --- 5. the same Meta user with another salon ---


async def test_disconnect_keeps_the_login_while_another_salon_uses_it(w: World) -> None:
    await connected(w, GLOW)
    other_owner, other_salon = await paid_salon(w.c, 2)
    outcome = await log_in(w.c, w.meta, other_owner, other_salon, [ANNEX])
    assert outcome == CallbackOutcome(other_salon, "connected")
    assert (await stored(w.uow, other_salon)).meta_user_id == SANDBOX_USER

    await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)

    assert await all_cleanups(w.uow) == []
    sent = await w.meta.sent()
    assert sent["revocations"] == []
    assert GLOW not in sent["subscriptions"] and ANNEX in sent["subscriptions"]
    w.clock.advance(timedelta(minutes=2))
    other = await w.c.use_cases.meta_status(other_owner, other_salon)
    assert other.status == IntegrationStatus.ACTIVE and other.token_valid is True
    assert other.token_checked_at == w.clock.now()  # checked just now, at Meta
    w.clock.advance(timedelta(hours=21))
    assert (await w.c.use_cases.meta_token_checks.check_due())["ok"] == 1

    # The last salon leaving does revoke the login.
    await w.c.use_cases.meta_disconnect(other_owner, other_salon)
    assert [r["user_id"] for r in (await w.meta.sent())["revocations"]] == [SANDBOX_USER]


# --- 6. key rotation ---


async def _sealed_count(uow: InMemoryUnitOfWorkFactory) -> list[str]:
    values: list[str] = []
    async with uow() as tx:
        for integration in await tx.meta.with_tokens(None, 1000):
            values.extend(sealed_values(integration))
        for cleanup in await tx.meta_cleanups.cleanups(None, 1000):
            values.extend(
                s for s in (cleanup.page_token_sealed, cleanup.user_token_sealed) if s is not None
            )
    return values


async def test_rotation_reseals_every_token_under_the_new_key(
    meta: Meta, clock: FixedClock
) -> None:
    k1, k2 = os.urandom(32), os.urandom(32)
    uow = InMemoryUnitOfWorkFactory()
    old = make_container(meta, uow, clock, (k1,))
    owner1, salon1 = await paid_salon(old, 1)
    owner2, salon2 = await paid_salon(old, 2)
    assert (await log_in(old, meta, owner1, salon1, [GLOW])).result == "connected"
    assert (await log_in(old, meta, owner2, salon2, [ANNEX])).result == "connected"
    await meta.fail("server_error", status=500, path="subscribed_apps")
    await old.use_cases.meta_disconnect(owner2, salon2)  # leaves a cleanup with two tokens
    await meta.heal()
    sealed = await _sealed_count(uow)
    assert len(sealed) == 4  # salon 1's user + Page token, the cleanup's two
    assert {s.split(".")[1] for s in sealed} == {key_id(k1)}

    both = make_container(meta, uow, clock, (k2, k1))
    report = await both.use_cases.rotate_token_keys.run(batch=1)
    assert (report.checked, report.rotated) == (4, 4)
    assert {s.split(".")[1] for s in await _sealed_count(uow)} == {key_id(k2)}
    again = await both.use_cases.rotate_token_keys.run(batch=1)
    assert (again.checked, again.rotated) == (4, 0)

    new_only = make_container(meta, uow, clock, (k2,))
    clock.advance(timedelta(hours=21))
    assert await new_only.use_cases.meta_token_checks.check_due() == {
        "ok": 1,
        "invalid": 0,
        "unreachable": 0,
        "skipped": 0,
    }
    assert (await stored(uow, salon1)).token.valid is True
    assert (await new_only.use_cases.meta_cleanups.run_due(everything=True))["done"] == 1
    assert ANNEX not in (await meta.sent())["subscriptions"]


# --- 7. Meta's privacy callbacks ---


async def _two_salons_of_one_user(w: World) -> str:
    await connected(w, GLOW)
    other_owner, other_salon = await paid_salon(w.c, 2)
    assert (await log_in(w.c, w.meta, other_owner, other_salon, [ANNEX])).result == "connected"
    return other_salon


async def _assert_erased(w: World, salon_ids: list[str]) -> None:
    for salon_id in salon_ids:
        integration = await stored(w.uow, salon_id)
        assert integration.status == IntegrationStatus.DISCONNECTED
        assert integration.meta_user_id is None
        assert sealed_values(integration) == []
        assert integration.page is None and integration.instagram is None
    async with w.uow() as tx:
        assert list(await tx.meta.by_meta_user(SANDBOX_USER)) == []
    assert await all_cleanups(w.uow) == []


async def test_deauthorize_disconnects_and_erases_every_salon_of_that_user(w: World) -> None:
    other_salon = await _two_salons_of_one_user(w)

    count = await w.c.use_cases.meta_privacy.deauthorize(signed_request(SANDBOX_USER))

    assert count == 2
    await _assert_erased(w, [w.salon_id, other_salon])
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.status == IntegrationStatus.DISCONNECTED


async def test_data_deletion_erases_and_answers_a_status_code(w: World) -> None:
    other_salon = await _two_salons_of_one_user(w)
    privacy = w.c.use_cases.meta_privacy

    receipt = await privacy.delete_data(signed_request(SANDBOX_USER))

    await _assert_erased(w, [w.salon_id, other_salon])
    assert receipt.url == f"{PUBLIC_URL}/api/meta/data-deletion/{receipt.confirmation_code}"
    request = await privacy.deletion_status(receipt.confirmation_code)
    assert request.status == "completed"
    assert request.salons_affected == 2
    assert SANDBOX_USER not in request.meta_user_hash
    assert await privacy.deletion_status(f" {receipt.confirmation_code.lower()} ") == request
    for unknown in ("0000DEADBEEF0000", "not a code!", ""):
        with pytest.raises(NotFound):
            await privacy.deletion_status(unknown)


@pytest.mark.parametrize(
    "bad",
    [
        signed_request(SANDBOX_USER, secret="not-the-app-secret"),
        signed_request(SANDBOX_USER).split(".")[1],
        "",
    ],
    ids=["wrong_secret", "no_signature", "empty"],
)
async def test_a_bad_signed_request_is_unauthorized_and_changes_nothing(w: World, bad: str) -> None:
    await connected(w)
    before = await stored(w.uow, w.salon_id)
    privacy = w.c.use_cases.meta_privacy

    with pytest.raises(Unauthorized):
        await privacy.deauthorize(bad)
    with pytest.raises(Unauthorized):
        await privacy.delete_data(bad)

    assert await stored(w.uow, w.salon_id) == before


async def test_data_deletion_also_erases_cleanups_of_salons_already_disconnected(
    w: World,
) -> None:
    await _two_salons_of_one_user(w)
    await w.meta.fail("server_error", status=500)
    await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)  # Meta down: a cleanup stays
    assert len(await all_cleanups(w.uow)) == 1
    await w.meta.heal()

    await w.c.use_cases.meta_privacy.delete_data(signed_request(SANDBOX_USER))

    assert await all_cleanups(w.uow) == []
