"""Contract: WebhookInbox — deliveries once per body, events once per dedup key, the queue."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.webhook_inbox import StoredDelivery, StoredEvent
from domain.webhook_kinds import EventKind
from domain.webhooks import InboundEvent

from .builders import IST, at, new_id


def delivery(body: str | None = None, minutes: int = 0) -> StoredDelivery:
    text = body if body is not None else f'{{"object":"page","n":"{new_id()}"}}'
    return StoredDelivery(
        id=new_id(),
        received_at=at(minutes),
        body=text,
        body_sha256=hashlib.sha256(text.encode()).hexdigest(),
        headers={"content-type": "application/json", "x-hub-signature-256": "sha256=ab"},
        event_count=1,
    )


def stored_event(
    delivery_id: str,
    key: str | None = None,
    *,
    timestamp_ms: int | None = 1_700_000_000_000,
    minutes: int = 0,
    status: str = "pending",
    next_attempt: int | None = 0,
    salon_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> StoredEvent:
    return StoredEvent(
        id=new_id(),
        delivery_id=delivery_id,
        received_at=at(minutes),
        event=InboundEvent(
            dedup_key=key or f"mid:message:{new_id()}",
            object="page",
            kind=EventKind.MESSAGE,
            entry_id="PAGE1",
            sender_id="USER1",
            recipient_id="PAGE1",
            timestamp_ms=timestamp_ms,
            payload=payload if payload is not None else {"message": {"mid": "m", "text": "hi"}},
        ),
        status=status,
        reason=None,
        attempts=0,
        next_attempt_at=None if next_attempt is None else at(next_attempt),
        processed_at=None,
        salon_id=salon_id,
    )


async def add_delivery(uow_factory: UnitOfWorkFactory, item: StoredDelivery) -> bool:
    async with uow_factory(write=True) as uow:
        added = await uow.webhooks.add_delivery(item)
        await uow.commit()
    return added


async def add_events(uow_factory: UnitOfWorkFactory, *items: StoredEvent) -> list[bool]:
    async with uow_factory(write=True) as uow:
        added = [await uow.webhooks.add_event(item) for item in items]
        await uow.commit()
    return added


async def get(uow_factory: UnitOfWorkFactory, event_id: str) -> StoredEvent | None:
    async with uow_factory() as uow:
        return await uow.webhooks.get_event(event_id)


async def new_delivery(uow_factory: UnitOfWorkFactory, minutes: int = 0) -> StoredDelivery:
    item = delivery(minutes=minutes)
    assert await add_delivery(uow_factory, item)
    return item


async def test_a_delivery_is_stored_once_per_body(uow_factory: UnitOfWorkFactory) -> None:
    first = delivery('{"object":"page","entry":[]}')
    assert await add_delivery(uow_factory, first) is True
    assert await add_delivery(uow_factory, replace(first, id=new_id())) is False
    assert await add_delivery(uow_factory, delivery('{"object":"page","entry":[{}]}')) is True
    # An event can hang off the stored delivery, not off the refused one.
    assert await add_events(uow_factory, stored_event(first.id)) == [True]


async def test_an_event_is_stored_once_per_dedup_key(uow_factory: UnitOfWorkFactory) -> None:
    d1 = await new_delivery(uow_factory)
    d2 = await new_delivery(uow_factory)
    first = stored_event(d1.id, "mid:message:m.1")
    assert await add_events(uow_factory, first) == [True]
    again = stored_event(d2.id, "mid:message:m.1", timestamp_ms=5)
    other = stored_event(d2.id, "mid:postback:m.1")
    assert await add_events(uow_factory, again, other) == [False, True]
    assert await get(uow_factory, first.id) == first
    assert await get(uow_factory, again.id) is None
    # Within one unit too.
    same = [stored_event(d1.id, "evt:abc") for _ in range(3)]
    assert await add_events(uow_factory, *same) == [True, False, False]


async def test_get_event_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    d = await new_delivery(uow_factory)
    payload: dict[str, Any] = {
        "sender": {"id": "USER1"},
        "message": {
            "mid": "m.ü",
            "text": 'नमस्ते \u2028 "quoted" \\ 😀',
            "attachments": [{"type": "appointment_booking", "payload": {"start_time": 1}}],
            "n": [1, 2.5, None, True, False, {"deep": {"er": []}}],
        },
        "k" * 300: "long key",
    }
    item = replace(
        stored_event(d.id, "mid:message:m.ü", payload=payload, salon_id=new_id()),
        received_at=at(3).astimezone(IST),
        reason="why not",
        attempts=2,
        processed_at=at(4),
    )
    assert await add_events(uow_factory, item) == [True]
    got = await get(uow_factory, item.id)
    assert got == item
    assert got is not None
    assert dict(got.event.payload) == payload
    for stamp in (got.received_at, got.next_attempt_at, got.processed_at):
        assert isinstance(stamp, datetime)
        assert stamp.tzinfo is not None and stamp.utcoffset() is not None
    assert got.received_at == at(3)
    assert got.event.conversation == item.event.conversation
    no_stamp = replace(stored_event(d.id, timestamp_ms=None, next_attempt=None))
    await add_events(uow_factory, no_stamp)
    assert await get(uow_factory, no_stamp.id) == no_stamp
    assert await get(uow_factory, new_id()) is None


async def test_due_is_pending_and_come_ordered_by_timestamp(uow_factory: UnitOfWorkFactory) -> None:
    d = await new_delivery(uow_factory)
    late = stored_event(d.id, timestamp_ms=3_000, minutes=0)
    early = stored_event(d.id, timestamp_ms=1_000, minutes=2)
    middle = stored_event(d.id, timestamp_ms=2_000, minutes=1)
    unstamped = stored_event(d.id, timestamp_ms=None, minutes=-5)
    future = stored_event(d.id, timestamp_ms=500, next_attempt=10)
    edge = stored_event(d.id, timestamp_ms=2_500, next_attempt=5)  # next_attempt_at == now
    done = stored_event(d.id, timestamp_ms=100, status="processed", next_attempt=None)
    failed = stored_event(d.id, timestamp_ms=100, status="failed", next_attempt=0)
    ignored = stored_event(d.id, timestamp_ms=100, status="ignored", next_attempt=0)
    parked = stored_event(d.id, timestamp_ms=100, next_attempt=None)
    await add_events(
        uow_factory, late, early, middle, unstamped, future, edge, done, failed, ignored, parked
    )
    async with uow_factory() as uow:
        due = await uow.webhooks.due(at(5), 100)
        assert [e.id for e in due] == [early.id, middle.id, edge.id, late.id, unstamped.id]
        assert due[0] == early
        assert [e.id for e in await uow.webhooks.due(at(5), 2)] == [early.id, middle.id]
        assert [e.id for e in await uow.webhooks.due(at(-1), 100)] == []
        later = await uow.webhooks.due(at(10), 100)
        assert [e.id for e in later][:1] == [future.id]
        assert len(later) == 6


async def test_settle_records_the_outcome(uow_factory: UnitOfWorkFactory) -> None:
    d = await new_delivery(uow_factory)
    item = stored_event(d.id)
    other = stored_event(d.id)
    await add_events(uow_factory, item, other)
    retry = replace(item, attempts=1, reason="Graph 503", next_attempt_at=at(30))
    async with uow_factory(write=True) as uow:
        await uow.webhooks.settle(retry)
        await uow.commit()
    assert await get(uow_factory, item.id) == retry
    async with uow_factory() as uow:
        assert [e.id for e in await uow.webhooks.due(at(5), 10)] == [other.id]
        assert {e.id for e in await uow.webhooks.due(at(30), 10)} == {item.id, other.id}
    salon = new_id()
    final = replace(
        retry,
        status="processed",
        reason=None,
        attempts=2,
        next_attempt_at=None,
        processed_at=at(31),
        salon_id=salon,
    )
    async with uow_factory(write=True) as uow:
        await uow.webhooks.settle(final)
        await uow.commit()
    assert await get(uow_factory, item.id) == final
    assert await get(uow_factory, other.id) == other
    async with uow_factory() as uow:
        assert [e.id for e in await uow.webhooks.due(at(100), 10)] == [other.id]
    # An uncommitted settle is not kept.
    async with uow_factory(write=True) as uow:
        await uow.webhooks.settle(replace(other, status="ignored", next_attempt_at=None))
    assert await get(uow_factory, other.id) == other


async def test_failed_lists_one_salons_failures_newest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    d = await new_delivery(uow_factory)
    salon, other_salon = new_id(), new_id()
    old = stored_event(d.id, minutes=0, status="failed", next_attempt=None, salon_id=salon)
    new = stored_event(d.id, minutes=20, status="failed", next_attempt=None, salon_id=salon)
    mid = stored_event(d.id, minutes=10, status="failed", next_attempt=None, salon_id=salon)
    elsewhere = stored_event(
        d.id, minutes=30, status="failed", next_attempt=None, salon_id=other_salon
    )
    fine = stored_event(d.id, minutes=40, status="processed", next_attempt=None, salon_id=salon)
    pending = stored_event(d.id, minutes=50, salon_id=salon)
    unowned = stored_event(d.id, minutes=60, status="failed", next_attempt=None)
    await add_events(uow_factory, old, new, mid, elsewhere, fine, pending, unowned)
    async with uow_factory() as uow:
        assert [e.id for e in await uow.webhooks.failed(salon, 10)] == [new.id, mid.id, old.id]
        assert [e.id for e in await uow.webhooks.failed(salon, 2)] == [new.id, mid.id]
        assert [e.id for e in await uow.webhooks.failed(other_salon, 10)] == [elsewhere.id]
        assert await uow.webhooks.failed(new_id(), 10) == []
        assert (await uow.webhooks.failed(salon, 10))[0] == new


async def test_purge_before_deletes_old_deliveries_and_their_events(
    uow_factory: UnitOfWorkFactory,
) -> None:
    old1 = await new_delivery(uow_factory, minutes=-3000)
    old2 = await new_delivery(uow_factory, minutes=-1441)
    edge = await new_delivery(uow_factory, minutes=-1440)
    new = await new_delivery(uow_factory, minutes=0)
    events = {d.id: stored_event(d.id, f"evt:{d.id}") for d in (old1, old2, edge, new)}
    extra = stored_event(old1.id, "evt:extra")
    await add_events(uow_factory, *events.values(), extra)
    async with uow_factory(write=True) as uow:
        assert await uow.webhooks.purge_before(at(-1440)) == 2
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.webhooks.purge_before(at(-1440)) == 0
        await uow.commit()
    assert await get(uow_factory, events[old1.id].id) is None
    assert await get(uow_factory, extra.id) is None
    assert await get(uow_factory, events[old2.id].id) is None
    assert await get(uow_factory, events[edge.id].id) == events[edge.id]
    assert await get(uow_factory, events[new.id].id) == events[new.id]
    # The purged body and keys may arrive again (a retry past retention is a new delivery).
    assert await add_delivery(uow_factory, replace(old1, id=new_id(), received_at=at(1))) is True
    assert await add_events(uow_factory, stored_event(new.id, "evt:extra")) == [True]
    assert await add_events(uow_factory, stored_event(new.id, f"evt:{edge.id}")) == [False]


async def test_racing_writers_store_one_event_per_key(uow_factory: UnitOfWorkFactory) -> None:
    async def write(n: int) -> bool:
        item = delivery(f'{{"racer":{n}}}')
        async with uow_factory(write=True) as uow:
            assert await uow.webhooks.add_delivery(item)
            added = await uow.webhooks.add_event(stored_event(item.id, "mid:message:race"))
            await uow.commit()
        return added

    results = await asyncio.gather(*(write(n) for n in range(10)))
    assert sorted(results) == [False] * 9 + [True]
    async with uow_factory() as uow:
        due = await uow.webhooks.due(at(0), 100)
    assert [e.event.dedup_key for e in due] == ["mid:message:race"]


async def test_racing_identical_deliveries_store_one(uow_factory: UnitOfWorkFactory) -> None:
    body = '{"object":"page","entry":[]}'

    async def write() -> bool:
        async with uow_factory(write=True) as uow:
            added = await uow.webhooks.add_delivery(delivery(body))
            await uow.commit()
        return added

    results = await asyncio.gather(*(write() for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]


async def test_a_batch_is_stored_in_one_go_skipping_known_and_repeated_keys(
    uow_factory: UnitOfWorkFactory,
) -> None:
    d = await new_delivery(uow_factory)
    known = stored_event(d.id, "key-known")
    assert await add_events(uow_factory, known) == [True]
    batch = [
        stored_event(d.id, "key-a"),
        stored_event(d.id, "key-known"),  # stored before
        stored_event(d.id, "key-b"),
        stored_event(d.id, "key-a"),  # repeated within the batch
    ]
    async with uow_factory(write=True) as uow:
        assert await uow.webhooks.add_events(batch) == 2
        assert await uow.webhooks.add_events([]) == 0
        await uow.commit()
    assert await get(uow_factory, batch[0].id) == batch[0]
    assert await get(uow_factory, batch[2].id) == batch[2]
    assert await get(uow_factory, batch[1].id) is None
    assert await get(uow_factory, batch[3].id) is None


async def test_claim_many_wins_only_workable_events_once(uow_factory: UnitOfWorkFactory) -> None:
    d = await new_delivery(uow_factory)
    a, b = stored_event(d.id, "key-1"), stored_event(d.id, "key-2")
    later = stored_event(d.id, "key-3", next_attempt=60)  # waiting for a retry
    await add_events(uow_factory, a, b, later)
    now = at(0)
    async with uow_factory(write=True) as uow:
        won = await uow.webhooks.claim_many([a.id, b.id, later.id, "nope"], now, at(2))
        await uow.commit()
    assert won == {a.id, b.id}
    async with uow_factory(write=True) as uow:
        assert await uow.webhooks.claim_many([a.id, b.id], now, at(2)) == set()
        assert await uow.webhooks.claim_many([], now, at(2)) == set()
        await uow.commit()
    got = await get(uow_factory, a.id)
    assert got is not None and (got.status, got.next_attempt_at) == ("processing", at(2))


async def test_a_batch_larger_than_one_statement_is_stored_whole(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # 1,900 events x 18 columns is over asyncpg's 32,767 parameters for one statement.
    d = await new_delivery(uow_factory)
    batch = [stored_event(d.id, f"big-{n}") for n in range(1900)]
    async with uow_factory(write=True) as uow:
        assert await uow.webhooks.add_events(batch) == 1900
        await uow.commit()
    assert await get(uow_factory, batch[-1].id) == batch[-1]
