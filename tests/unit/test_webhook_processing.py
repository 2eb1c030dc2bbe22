"""Processing stored webhook events: routing, outcomes, retries, failures, replay, claims,
conversation order, purge — and the access events (permissions revoked, app uninstalled)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from adapters.inbound.webhooks.meta_delivery import MetaDeliveryParser
from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.clock import FixedClock
from application.ports.webhook_inbox import StoredEvent
from application.webhooks.process import Handler, Outcome, WebhookProcessor, ignore, unhandled
from domain.errors import Conflict, NotFound
from domain.meta import IntegrationStatus
from domain.webhook_kinds import EventKind
from entrypoints.meta_sandbox import DEFAULT_APP_SECRET

from .test_meta_lifecycle import (  # noqa: F401 - fixtures
    GLOW,
    World,
    clock,
    connected,
    meta,
    stored,
    w,
)


def signed(body: dict[str, Any]) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, "sha256=" + hmac.new(DEFAULT_APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()


async def deliver(w: World, body: dict[str, Any]) -> int:
    text, parsed = MetaDeliveryParser(DEFAULT_APP_SECRET).parse(*signed(body))
    receipt = await w.c.use_cases.webhooks.receive(text, parsed, {})
    return receipt.stored


def routes(**handlers: Handler) -> dict[EventKind, Handler]:
    """A full routing table: the kinds named get those handlers, the rest `unhandled`."""
    return {kind: handlers.get(kind.value, unhandled) for kind in EventKind}


def message(mid: str, ts: int, sender: str = "psid-1", page: str = GLOW) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [
            {
                "id": page,
                "time": ts,
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": page},
                        "timestamp": ts,
                        "message": {"mid": mid, "text": "hi"},
                    }
                ],
            }
        ],
    }


def revoked(user_id: str, field: str = "pages_messaging", verb: str = "revoked") -> dict[str, Any]:
    return {
        "object": "permissions",
        "entry": [
            {
                "id": user_id,
                "time": 1764000000,
                "changes": [{"field": field, "value": {"verb": verb, "target_ids": [GLOW]}}],
            }
        ],
    }


async def events(uow: InMemoryUnitOfWorkFactory) -> list[StoredEvent]:
    return list(uow.store.state.webhook_events.values())


async def test_a_permission_revocation_disconnects_and_alerts(w: World) -> None:
    integration = await connected(w, GLOW)
    assert integration.meta_user_id is not None
    assert await deliver(w, revoked(integration.meta_user_id)) == 1
    counts = await w.c.use_cases.webhook_events.run_due()
    assert counts["processed"] == 1
    after = await stored(w.uow, w.salon_id)
    assert after.status == IntegrationStatus.DISCONNECTED
    assert after.page_token_sealed is None and "pages_messaging" in (after.sync_error or "")
    (event,) = await events(w.uow)
    assert (event.status, event.salon_id, event.attempts) == ("processed", w.salon_id, 1)
    async with w.uow() as uow:
        kinds = [a.kind for a in await uow.alerts.alerts(w.salon_id)]
    assert kinds == ["meta_disconnected"]
    # The same delivery again is stored once and changes nothing.
    assert await deliver(w, revoked(integration.meta_user_id)) == 0
    assert (await w.c.use_cases.webhook_events.run_due())["processed"] == 0


async def test_grants_echoes_and_reads_are_ignored_with_a_reason(w: World) -> None:
    integration = await connected(w, GLOW)
    assert integration.meta_user_id is not None
    await deliver(w, revoked(integration.meta_user_id, verb="granted"))
    echo = message("m.echo", 1764000000000)
    echo["entry"][0]["messaging"][0]["message"]["is_echo"] = True
    await deliver(w, echo)
    read = message("m.x", 1764000000001)
    read["entry"][0]["messaging"][0] = {
        "sender": {"id": "psid-1"},
        "recipient": {"id": GLOW},
        "timestamp": 1764000000001,
        "read": {"watermark": 1},
    }
    await deliver(w, read)
    await deliver(w, {"object": "page", "entry": [], "surprise": True})
    counts = await w.c.use_cases.webhook_events.run_due()
    assert counts["ignored"] == 4
    reasons = sorted((e.event.label, e.reason or "") for e in await events(w.uow))
    assert [k for k, _ in reasons] == ["change:pages_messaging", "echo", "read", "unknown"]
    assert all(reason for _, reason in reasons)
    assert (await stored(w.uow, w.salon_id)).status == IntegrationStatus.ACTIVE


def test_a_routing_table_that_leaves_a_kind_out_is_refused(w: World) -> None:
    table = routes()
    del table[EventKind.OPTIN]
    with pytest.raises(ValueError, match="optin"):
        WebhookProcessor(w.uow, w.clock, table)


async def test_kinds_without_a_handler_are_recorded_as_ignored(w: World) -> None:
    await deliver(w, message("m.1", 1764000000000))
    only_reads = WebhookProcessor(w.uow, w.clock, routes(read=ignore("not used")))
    assert (await only_reads.run_due())["ignored"] == 1
    (event,) = await events(w.uow)
    assert (event.status, event.attempts) == ("ignored", 1)
    assert event.reason == "no handler for message on page"


async def test_an_undated_event_waits_for_its_conversation(w: World) -> None:
    undated = message("m.2", 1764000000500)
    del undated["entry"][0]["messaging"][0]["timestamp"]
    del undated["entry"][0]["time"]
    await deliver(w, message("m.1", 1764000000000))
    await deliver(w, undated)
    p = WebhookProcessor(w.uow, w.clock, routes(message=ignore("x")))
    first = await p.due_ids()
    assert len(first) == 1  # one event of the conversation at a time
    (e1,) = [e for e in await events(w.uow) if e.id == first[0]]
    assert e1.event.payload["message"]["mid"] == "m.1"  # the dated one goes first


async def test_a_message_for_a_page_no_salon_holds_is_ignored_with_the_reason(w: World) -> None:
    await deliver(w, message("m.1", 1764000000000))
    assert (await w.c.use_cases.webhook_events.run_due())["ignored"] == 1
    (event,) = await events(w.uow)
    assert event.status == "ignored" and "no connected salon" in (event.reason or "")


def processor(
    w: World, handler: Callable[[StoredEvent], Awaitable[Outcome]], max_attempts: int = 3
) -> WebhookProcessor:
    return WebhookProcessor(
        w.uow,
        w.clock,
        routes(message=handler),
        max_attempts=max_attempts,
        base_delay=timedelta(seconds=10),
        max_delay=timedelta(seconds=25),
    )


async def test_failures_retry_with_backoff_then_fail_visibly_and_replay(w: World) -> None:
    await connected(w, GLOW)
    broken = {"on": True}
    calls: list[str] = []

    async def handler(event: StoredEvent) -> Outcome:
        calls.append(event.id)
        if broken["on"]:
            raise RuntimeError("the assistant is down")
        return Outcome("processed", salon_id=w.salon_id)

    p = processor(w, handler)
    await deliver(w, message("m.1", 1764000000000))
    assert (await p.run_due())["retry"] == 1
    (event,) = await events(w.uow)
    assert event.status == "pending" and event.attempts == 1
    assert event.next_attempt_at == w.clock.now() + timedelta(seconds=10)
    assert (await p.run_due())["retry"] == 0  # not due yet
    w.clock.advance(timedelta(seconds=10))
    assert (await p.run_due())["retry"] == 1
    w.clock.advance(timedelta(seconds=20))
    assert (await p.run_due())["failed"] == 1
    (event,) = await events(w.uow)
    assert event.status == "failed" and "the assistant is down" in (event.reason or "")
    assert event.salon_id == w.salon_id  # found through the Page, so the owner sees it
    failed = await w.c.use_cases.webhook_events.failed(w.owner, w.salon_id)
    assert [e.id for e in failed] == [event.id]
    w.clock.advance(timedelta(hours=1))
    assert (await p.run_due())["failed"] == 0  # a failed event stays put
    with pytest.raises(NotFound):
        await w.c.use_cases.webhook_events.replay(w.owner, w.salon_id, "no-such-event")
    broken["on"] = False
    again = await w.c.use_cases.webhook_events.replay(w.owner, w.salon_id, event.id)
    assert (again.status, again.attempts) == ("pending", 0)
    with pytest.raises(Conflict):
        await w.c.use_cases.webhook_events.replay(w.owner, w.salon_id, event.id)
    assert (await p.run_due())["processed"] == 1
    assert len(calls) == 4


async def test_racing_workers_handle_an_event_once(w: World) -> None:
    calls: list[str] = []

    async def handler(event: StoredEvent) -> Outcome:
        calls.append(event.id)
        await asyncio.sleep(0.01)
        return Outcome("processed")

    for n in range(5):
        await deliver(w, message(f"m.{n}", 1764000000000 + n, sender=f"psid-{n}"))
    workers = [processor(w, handler) for _ in range(4)]
    await asyncio.gather(*(p.run_due() for p in workers))
    assert sorted(calls) == sorted({e.id for e in await events(w.uow)})
    assert all(e.status == "processed" for e in await events(w.uow))


async def test_a_conversation_is_processed_in_timestamp_order_and_waits_for_a_retry(
    w: World,
) -> None:
    seen: list[str] = []
    fail_first = {"on": True}

    async def handler(event: StoredEvent) -> Outcome:
        mid = event.event.payload["message"]["mid"]
        if mid == "m.early" and fail_first["on"]:
            fail_first["on"] = False
            raise RuntimeError("transient")
        seen.append(mid)
        return Outcome("processed")

    # Delivered out of order: the later message arrives first.
    await deliver(w, message("m.late", 1764000000500))
    await deliver(w, message("m.early", 1764000000100))
    await deliver(w, message("m.other", 1764000000300, sender="psid-2"))
    p = processor(w, handler)
    counts = await p.run_due()
    assert counts["retry"] == 1  # and m.late waits for m.early
    assert seen == ["m.other"]
    assert await p.due_ids() == []  # m.early is held for its retry, so m.late is not due
    w.clock.advance(timedelta(seconds=10))
    await p.run_due()
    assert seen == ["m.other", "m.early", "m.late"]


async def test_a_dead_workers_lease_runs_out_and_the_event_comes_back(w: World) -> None:
    await deliver(w, message("m.1", 1764000000000))
    (event,) = await events(w.uow)
    async with w.uow(write=True) as uow:
        assert await uow.webhooks.claim(
            event.id, w.clock.now(), w.clock.now() + timedelta(minutes=2)
        )
        await uow.commit()

    async def handler(e: StoredEvent) -> Outcome:
        return Outcome("processed")

    assert (await processor(w, handler).run_due())["processed"] == 0  # leased elsewhere
    w.clock.advance(timedelta(minutes=3))
    assert (await processor(w, handler).run_due())["processed"] == 1


async def test_raw_deliveries_older_than_90_days_are_purged(w: World, clock: FixedClock) -> None:
    await deliver(w, message("m.old", 1764000000000))
    w.clock.advance(timedelta(days=89))
    await deliver(w, message("m.new", 1764000000001))
    w.clock.advance(timedelta(days=2))
    assert await w.c.use_cases.webhook_events.purge() == 1
    assert [e.event.payload["message"]["mid"] for e in await events(w.uow)] == ["m.new"]
