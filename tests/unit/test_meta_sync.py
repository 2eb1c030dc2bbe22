"""The Meta sync: debounced requests from catalog/schedule/salon changes, the Messenger
profile in the sandbox, no-op when nothing changed, backoff on failure, the reconcile, and
what the status and /metrics show. In process, against the built-in sandbox."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest

from adapters.outbound.queue.in_process import InProcessJobQueue
from application.meta.sync import SyncMeta
from application.meta_errors import MetaBadRequest, MetaTokenInvalid
from application.ports.meta_sync_repository import MetaSyncState
from domain.salon import Tier
from domain.schedule import WeeklyInterval

from .test_meta_lifecycle import (  # noqa: F401 - fixtures
    GLOW,
    PUBLIC_URL,
    World,
    clock,
    log_in,
    meta,
    paid_salon,
    w,
)

PROFILE_PATH = f"/{GLOW}/messenger_profile"


def syncer(w: World) -> SyncMeta:
    assert w.c.meta_sync is not None
    return w.c.meta_sync


async def sync_state(w: World, salon_id: str | None = None) -> MetaSyncState | None:
    async with w.uow() as tx:
        return await tx.meta_sync.get(salon_id or w.salon_id)


async def in_step(w: World) -> MetaSyncState:
    """Connected, and the first sync (requested by the connect) done."""
    await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW], then_sync=False)
    assert await syncer(w).run_due() == {"synced": 1}
    state = await sync_state(w)
    assert state is not None and state.due_at is None and state.fingerprint
    return state


async def add_service(w: World, name: str = "Blow dry", minutes: int = 30) -> str:
    made = await w.c.use_cases.services.create(
        w.owner, w.salon_id, name=name, duration_minutes=minutes, price_minor=900, currency="INR"
    )
    return made.id


async def profile(w: World) -> dict[str, Any]:
    profiles: dict[str, Any] = (await w.meta.sent())["messenger_profiles"]
    got: dict[str, Any] = profiles[GLOW]
    return got


def menu_titles(got: dict[str, Any]) -> list[str]:
    return [a["title"] for a in got["persistent_menu"][0]["call_to_actions"]]


def sample(w: World, name: str, labels: dict[str, str] | None = None) -> float | None:
    return w.c.metrics_registry.get_sample_value(name, labels or {})


async def test_connecting_syncs_the_messenger_profile_with_the_booking_link(w: World) -> None:
    await in_step(w)
    got = await profile(w)
    salon = await w.c.use_cases.salons.get(w.owner, w.salon_id)
    assert got["get_started"] == {"payload": "BOOK"}
    actions = got["persistent_menu"][0]["call_to_actions"]
    assert actions == [
        {
            "type": "web_url",
            "title": "Book now",
            "url": f"{PUBLIC_URL}/book/{salon.slug}?src=messenger",
            "webview_height_ratio": "full",
        }
    ]
    assert "ice_breakers" not in got
    assert "Book in chat" not in menu_titles(got)  # Growth: no assistant
    assert await w.meta.graph_calls(PROFILE_PATH) == 1
    assert sample(w, "salonhub_meta_syncs_total", {"result": "synced"}) == 1


async def test_a_burst_of_changes_makes_one_debounced_sync(w: World) -> None:
    await in_step(w)
    calls = await w.meta.graph_calls(PROFILE_PATH)
    t0 = w.clock.now()
    service_id = await add_service(w)
    state = await sync_state(w)
    assert state is not None and state.requested_at == t0
    assert state.due_at is not None and t0 < state.due_at <= t0 + timedelta(seconds=5)
    assert await syncer(w).run_due() == {}  # not yet: debounced
    w.clock.advance(timedelta(seconds=2))
    await w.c.use_cases.services.update(w.owner, w.salon_id, service_id, {"name": "Blow-dry"})
    w.clock.advance(timedelta(seconds=2))
    await w.c.use_cases.services.update(w.owner, w.salon_id, service_id, {"duration_minutes": 45})
    assert await syncer(w).run_due() == {}
    w.clock.advance(timedelta(seconds=5))
    # Through the real wiring: the relay dispatches SYNC_META, the runner syncs.
    assert isinstance(w.c.job_queue, InProcessJobQueue)
    assert await w.c.relay.run_once() == 1
    await w.c.job_queue.drain()
    assert await w.meta.graph_calls(PROFILE_PATH) == calls + 1
    state = await sync_state(w)
    assert state is not None and state.due_at is None and state.requested_at is None
    assert state.synced_at == w.clock.now()
    assert await w.c.relay.run_once() == 0


async def test_staff_and_hours_changes_request_a_sync_that_is_a_no_op(w: World) -> None:
    before = await in_step(w)
    calls = await w.meta.graph_calls(PROFILE_PATH)
    services = await w.c.use_cases.services.list(w.owner, w.salon_id)
    staff = await w.c.use_cases.staff.create(
        w.owner, w.salon_id, name="Asha", service_ids=[s.id for s in services]
    )
    await w.c.use_cases.staff.set_hours(
        w.owner, w.salon_id, staff.id, [WeeklyInterval(weekday=0, start=time(9), end=time(18))]
    )
    assert (await sync_state(w)).due_at is not None  # type: ignore[union-attr]
    w.clock.advance(timedelta(seconds=6))
    assert await syncer(w).run_due() == {"unchanged": 1}
    assert await w.meta.graph_calls(PROFILE_PATH) == calls  # nothing new for Meta
    after = await sync_state(w)
    assert after is not None and after.fingerprint == before.fingerprint
    assert after.synced_at == w.clock.now()
    assert sample(w, "salonhub_meta_syncs_total", {"result": "unchanged"}) == 1


async def test_a_service_change_is_synced_even_with_the_same_menu(w: World) -> None:
    before = await in_step(w)
    calls = await w.meta.graph_calls(PROFILE_PATH)
    await add_service(w, "Keratin", 90)
    w.clock.advance(timedelta(seconds=5))
    assert await syncer(w).run_due() == {"synced": 1}
    assert await w.meta.graph_calls(PROFILE_PATH) == calls + 1
    after = await sync_state(w)
    assert after is not None and after.fingerprint != before.fingerprint


async def test_meta_failing_backs_off_and_the_status_shows_error_and_lag(w: World) -> None:
    await in_step(w)
    await w.meta.fail("server_error", status=503, path="messenger_profile")
    t0 = w.clock.now()
    await add_service(w)
    w.clock.advance(timedelta(seconds=5))
    assert await syncer(w).run_due() == {"failed": 1}
    state = await sync_state(w)
    assert state is not None and state.attempts == 1
    assert state.error is not None and "could not reach Meta" in state.error
    assert state.due_at == w.clock.now() + timedelta(seconds=30)
    assert state.requested_at == t0  # the change still waits
    w.clock.advance(timedelta(seconds=10))
    assert await syncer(w).run_due() == {}  # backing off
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.sync_error == state.error
    assert status.sync_lag_seconds == 15
    assert await syncer(w).lag_seconds() == 15
    assert sample(w, "salonhub_meta_sync_lag_seconds") == 15
    # Another change while failing does not retry hot.
    await add_service(w, "Manicure")
    assert (await sync_state(w)).due_at == state.due_at  # type: ignore[union-attr]
    w.clock.advance(timedelta(seconds=20))
    assert await syncer(w).run_due() == {"failed": 1}
    again = await sync_state(w)
    assert again is not None and again.attempts == 2
    assert again.due_at == w.clock.now() + timedelta(seconds=60)  # doubled
    assert sample(w, "salonhub_meta_syncs_total", {"result": "failed"}) == 2
    await w.meta.heal()
    w.clock.advance(timedelta(seconds=60))
    assert await syncer(w).run_due() == {"synced": 1}
    status = await w.c.use_cases.meta_status(w.owner, w.salon_id)
    assert status.sync_error is None and status.sync_lag_seconds == 0
    assert status.last_sync_at == w.clock.now()
    assert await syncer(w).lag_seconds() == 0
    assert sample(w, "salonhub_meta_sync_lag_seconds") == 0


async def test_the_reconcile_requests_stale_integrations(w: World) -> None:
    await in_step(w)
    assert await syncer(w).reconcile() == 0  # just synced
    w.clock.advance(timedelta(hours=6, seconds=1))
    assert await syncer(w).reconcile() == 1
    assert await syncer(w).reconcile() == 0  # already owed
    calls = await w.meta.graph_calls(PROFILE_PATH)
    assert await syncer(w).run_due() == {"unchanged": 1}
    assert await w.meta.graph_calls(PROFILE_PATH) == calls
    assert await syncer(w).reconcile() == 0


async def test_the_reconcile_catches_a_missed_request(w: World) -> None:
    await log_in(w.c, w.meta, w.owner, w.salon_id, [GLOW], then_sync=False)
    async with w.uow(write=True) as tx:  # as if the request had been lost
        await tx.meta_sync.cancel(w.salon_id)
        await tx.commit()
    assert await syncer(w).run_due() == {}
    assert await syncer(w).reconcile() == 1
    assert await syncer(w).run_due() == {"synced": 1}
    assert GLOW in (await w.meta.sent())["messenger_profiles"]


async def test_elite_gets_book_in_chat_and_loses_it_on_downgrade(w: World) -> None:
    await in_step(w)
    await w.c.use_cases.set_tier(w.salon_id, Tier.ELITE)
    w.clock.advance(timedelta(seconds=5))
    assert await syncer(w).run_due() == {"synced": 1}
    got = await profile(w)
    assert menu_titles(got) == ["Book now", "Book in chat"]
    chat = got["persistent_menu"][0]["call_to_actions"][1]
    assert chat == {"type": "postback", "title": "Book in chat", "payload": "BOOK"}
    await w.c.use_cases.set_tier(w.salon_id, Tier.GROWTH)
    w.clock.advance(timedelta(seconds=5))
    assert await syncer(w).run_due() == {"synced": 1}
    assert menu_titles(await profile(w)) == ["Book now"]


async def test_a_salon_without_meta_requests_nothing(w: World) -> None:
    owner, other = await paid_salon(w.c, 2)
    await w.c.use_cases.services.create(
        owner, other, name="Cut", duration_minutes=30, price_minor=500, currency="INR"
    )
    await w.c.use_cases.salons.update(owner, other, name="Renamed")
    assert await sync_state(w, other) is None


async def test_a_disconnected_salon_is_not_synced(w: World) -> None:
    await in_step(w)
    await add_service(w)
    await w.c.use_cases.meta_disconnect(w.owner, w.salon_id)
    calls = await w.meta.graph_calls(PROFILE_PATH)
    w.clock.advance(timedelta(seconds=5))
    assert await syncer(w).run_due() == {"skipped": 1}
    assert await w.meta.graph_calls(PROFILE_PATH) == calls
    state = await sync_state(w)
    assert state is not None and state.due_at is None and state.fingerprint is None
    assert await syncer(w).reconcile() == 0


async def test_a_salon_rename_requests_a_sync(w: World) -> None:
    await in_step(w)
    await w.c.use_cases.salons.update(w.owner, w.salon_id, timezone="Asia/Kolkata")
    assert (await sync_state(w)).due_at is None  # type: ignore[union-attr]
    await w.c.use_cases.salons.update(w.owner, w.salon_id, name="Glow Studio Bandra")
    assert (await sync_state(w)).due_at is not None  # type: ignore[union-attr]


async def test_the_sandbox_profile_endpoint_follows_meta_rules(w: World) -> None:
    token = w.meta.state.page_tokens[GLOW]
    menu = {"persistent_menu": [{"locale": "default", "call_to_actions": []}]}
    with pytest.raises(MetaBadRequest):  # a menu needs a Get Started button
        await w.meta.graph.set_messenger_profile(GLOW, token, key="k", profile=menu)
    with pytest.raises(MetaTokenInvalid):  # a Page token is required
        await w.meta.graph.set_messenger_profile(GLOW, "nope", key="k", profile=menu)
    full = {"get_started": {"payload": "BOOK"}, **menu}
    await w.meta.graph.set_messenger_profile(GLOW, token, key="k", profile=full)
    assert await profile(w) == full
    await w.meta.call("POST", "reset")
    assert (await w.meta.sent())["messenger_profiles"] == {}
