"""Contract: MessageLog — exactly once per dedup key, the send queue (due, claim, lease,
settle), the salon's log and erasure."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.messaging import Channel, MessageStatus, OutboundMessage, Purpose

from .builders import IST, World, add_salon, at, new_id, seed


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


def message(
    world: World,
    key: str | None = None,
    *,
    minutes: int = 0,
    status: MessageStatus = MessageStatus.QUEUED,
    next_attempt: int | None = None,
    **changes: Any,
) -> OutboundMessage:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": world.salon.id,
        "customer_id": world.customer.id,
        "booking_id": None,
        "purpose": Purpose.REMINDER_24H,
        "dedup_key": key or f"reminder_24h:{new_id()}",
        "status": status,
        "details": {"thread": "PSID-1"},
        "attempts": 0,
        "created_at": at(minutes),
        "next_attempt_at": None if next_attempt is None else at(next_attempt),
    }
    values.update(changes)
    return OutboundMessage(**values)


async def add(uow_factory: UnitOfWorkFactory, *items: OutboundMessage) -> list[bool]:
    async with uow_factory(write=True) as uow:
        added = [await uow.messages.add(item) for item in items]
        await uow.commit()
    return added


async def get(uow_factory: UnitOfWorkFactory, message_id: str) -> OutboundMessage | None:
    async with uow_factory() as uow:
        return await uow.messages.get(message_id)


async def due_ids(uow_factory: UnitOfWorkFactory, now: datetime, limit: int = 100) -> list[str]:
    async with uow_factory() as uow:
        return [m.id for m in await uow.messages.due(now, limit)]


async def claim(
    uow_factory: UnitOfWorkFactory, message_id: str, now: datetime, lease_until: datetime
) -> bool:
    async with uow_factory(write=True) as uow:
        won = await uow.messages.claim(message_id, now, lease_until)
        await uow.commit()
    return won


async def settle(uow_factory: UnitOfWorkFactory, item: OutboundMessage) -> None:
    async with uow_factory(write=True) as uow:
        await uow.messages.settle(item)
        await uow.commit()


async def test_round_trip_keeps_every_field(uow_factory: UnitOfWorkFactory, world: World) -> None:
    booking = world.booking(at(600))
    async with uow_factory(write=True) as uow:
        await uow.bookings.add(booking)
        await uow.commit()
    details: dict[str, Any] = {
        "thread": "PSID-ü",
        "quick_replies": [{"title": "Cancel", "payload": "CANCEL:1"}, None, 2.5, False],
        "text": 'नमस्ते "quoted" \\ 😀',
    }
    full = message(
        world,
        booking_id=booking.id,
        purpose=Purpose.CONFIRMATION,
        status=MessageStatus.SENT,
        details=details,
        attempts=3,
        created_at=at(0).astimezone(IST),
        channel=Channel.UTILITY,
        reason="outside the 24-hour window; Utility Messages are allowed in US",
        body="See you at 10:00",
        error="Graph 503 once",
        next_attempt_at=at(5),
        not_after=at(600).astimezone(IST),
        provider_id="m_abc",
        sent_at=at(1),
    )
    bare = message(world, customer_id=None, details={})
    assert await add(uow_factory, full, bare) == [True, True]
    got = await get(uow_factory, full.id)
    assert got == full
    assert got is not None
    assert dict(got.details) == details
    assert got.created_at == at(0)
    for stamp in (got.created_at, got.next_attempt_at, got.not_after, got.sent_at):
        assert stamp is not None
        assert stamp.utcoffset() is not None
    assert await get(uow_factory, bare.id) == bare
    assert await get(uow_factory, new_id()) is None


async def test_add_is_once_per_dedup_key(uow_factory: UnitOfWorkFactory, world: World) -> None:
    first = message(world, "confirmation:b1")
    assert await add(uow_factory, first) == [True]
    again = message(world, "confirmation:b1", body="another text")
    other = message(world, "confirmation:b2")
    # The unit stays usable after a refused add, and keeps its other work.
    assert await add(uow_factory, again, other, message(world, "confirmation:b2")) == [
        False,
        True,
        False,
    ]
    assert await get(uow_factory, first.id) == first
    assert await get(uow_factory, again.id) is None
    assert await get(uow_factory, other.id) == other
    async with uow_factory() as uow:
        assert [m.id for m in await uow.messages.for_salon(world.salon.id, 10)] == sorted(
            [first.id, other.id], reverse=True
        )
    # An uncommitted add keeps nothing, not even the key.
    pending = message(world, "confirmation:b3")
    async with uow_factory(write=True) as uow:
        assert await uow.messages.add(pending)
    assert await add(uow_factory, replace(pending, id=new_id())) == [True]


async def test_racing_adds_store_one_message(uow_factory: UnitOfWorkFactory, world: World) -> None:
    racers = [message(world, "reminder_2h:race", body=f"racer {n}") for n in range(10)]

    async def write(item: OutboundMessage) -> bool:
        async with uow_factory(write=True) as uow:
            added = await uow.messages.add(item)
            await uow.commit()
        return added

    results = await asyncio.gather(*(write(item) for item in racers))
    assert sorted(results) == [False] * 9 + [True]
    async with uow_factory() as uow:
        stored = await uow.messages.for_salon(world.salon.id, 100)
    assert len(stored) == 1
    assert stored[0] == racers[results.index(True)]


async def test_existing_keys(uow_factory: UnitOfWorkFactory, world: World) -> None:
    await add(uow_factory, message(world, "k1"), message(world, "k2"), message(world, "k3"))
    async with uow_factory() as uow:
        assert await uow.messages.existing_keys(["k1", "k3", "k9"]) == {"k1", "k3"}
        assert await uow.messages.existing_keys({"k2", "k2x"}) == {"k2"}
        assert await uow.messages.existing_keys([]) == set()
        many = [f"none:{n}" for n in range(1200)] + ["k2"]
        assert await uow.messages.existing_keys(many) == {"k2"}


async def test_due_is_queued_and_expired_leases_oldest_first(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    now_ = message(world, minutes=2)  # no next_attempt_at: due at once
    old = message(world, minutes=-10, next_attempt=0)
    edge = message(world, minutes=1, next_attempt=5)  # next_attempt_at == now
    later = message(world, minutes=-20, next_attempt=10)
    lease_over = message(world, minutes=0, status=MessageStatus.SENDING, next_attempt=4)
    lease_on = message(world, minutes=-30, status=MessageStatus.SENDING, next_attempt=6)
    others = [
        message(world, minutes=-40, status=status, next_attempt=0)
        for status in (
            MessageStatus.SENT,
            MessageStatus.FAILED,
            MessageStatus.DROPPED,
            MessageStatus.SKIPPED,
        )
    ]
    parked = message(world, minutes=-50, status=MessageStatus.SENDING)  # no lease end
    await add(uow_factory, now_, old, edge, later, lease_over, lease_on, *others, parked)
    expected = [old.id, lease_over.id, edge.id, now_.id]
    assert await due_ids(uow_factory, at(5)) == expected
    assert await due_ids(uow_factory, at(5), 2) == expected[:2]
    assert await due_ids(uow_factory, at(5).astimezone(IST)) == expected
    assert await due_ids(uow_factory, at(-1)) == [now_.id]
    assert await due_ids(uow_factory, at(10)) == [lease_on.id, later.id, *expected]
    async with uow_factory() as uow:
        assert (await uow.messages.due(at(5), 1))[0] == old


async def test_claim_settle_lifecycle(uow_factory: UnitOfWorkFactory, world: World) -> None:
    item = message(world, next_attempt=0)
    await add(uow_factory, item)
    assert not await claim(uow_factory, item.id, at(-1), at(4))  # not due yet
    assert not await claim(uow_factory, new_id(), at(0), at(4))
    assert await claim(uow_factory, item.id, at(0), at(4))
    claimed = await get(uow_factory, item.id)
    assert claimed == replace(item, status=MessageStatus.SENDING, next_attempt_at=at(4))
    # Held while the lease lasts; nobody else may claim it.
    assert await due_ids(uow_factory, at(3)) == []
    assert not await claim(uow_factory, item.id, at(3), at(8))
    # A worker that died: the lease runs out and the message comes back.
    assert await due_ids(uow_factory, at(4)) == [item.id]
    assert await claim(uow_factory, item.id, at(4), at(8))
    # A retry later: settle writes every mutable field.
    retry = replace(
        item,
        status=MessageStatus.QUEUED,
        attempts=1,
        error="Graph 503",
        channel=Channel.MESSENGER,
        reason="messenger window open (last message 1.0 h ago)",
        body="Reminder: tomorrow 10:00",
        details={"thread": "PSID-1", "try": 1},
        next_attempt_at=at(30),
        not_after=at(600),
    )
    await settle(uow_factory, retry)
    assert await get(uow_factory, item.id) == retry
    assert await due_ids(uow_factory, at(29)) == []
    assert await claim(uow_factory, item.id, at(30), at(34))
    sent = replace(
        retry,
        status=MessageStatus.SENT,
        attempts=2,
        error=None,
        next_attempt_at=None,
        provider_id="m_1",
        sent_at=at(31),
    )
    await settle(uow_factory, sent)
    assert await get(uow_factory, item.id) == sent
    assert await due_ids(uow_factory, at(1000)) == []
    assert not await claim(uow_factory, item.id, at(1000), at(1004))
    # Settle cannot rewrite what the message is (its identity and origin).
    await settle(uow_factory, replace(sent, salon_id=new_id(), dedup_key="x", body="edited"))
    assert await get(uow_factory, item.id) == replace(sent, body="edited")
    # Uncommitted work is not kept.
    async with uow_factory(write=True) as uow:
        await uow.messages.settle(replace(sent, status=MessageStatus.FAILED))
    assert await get(uow_factory, item.id) == replace(sent, body="edited")


async def test_racing_claims_have_one_winner(uow_factory: UnitOfWorkFactory, world: World) -> None:
    item = message(world)
    await add(uow_factory, item)
    results = await asyncio.gather(*(claim(uow_factory, item.id, at(0), at(5)) for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]
    stored = await get(uow_factory, item.id)
    assert stored is not None
    assert stored.status is MessageStatus.SENDING
    assert stored.next_attempt_at == at(5)
    # The same once the lease has run out.
    results = await asyncio.gather(*(claim(uow_factory, item.id, at(6), at(9)) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]


async def test_for_salon_is_newest_first_and_filters_by_booking(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    one, two = world.booking(at(600)), world.booking(at(800))
    async with uow_factory(write=True) as uow:
        await uow.bookings.add(one)
        await uow.bookings.add(two)
        await uow.commit()
    m1 = message(world, minutes=0, booking_id=one.id)
    m2 = message(world, minutes=10, booking_id=two.id)
    m3 = message(world, minutes=20, booking_id=one.id, status=MessageStatus.SKIPPED)
    m4 = message(world, minutes=30)
    elsewhere = await add_salon(uow_factory)
    theirs = message(world, minutes=40, salon_id=elsewhere.id, customer_id=None)
    await add(uow_factory, m2, m4, m1, m3, theirs)
    async with uow_factory() as uow:
        assert [m.id for m in await uow.messages.for_salon(world.salon.id, 10)] == [
            m4.id,
            m3.id,
            m2.id,
            m1.id,
        ]
        assert [m.id for m in await uow.messages.for_salon(world.salon.id, 2)] == [m4.id, m3.id]
        assert list(await uow.messages.for_salon(world.salon.id, 10, one.id)) == [m3, m1]
        assert list(await uow.messages.for_salon(world.salon.id, 10, new_id())) == []
        assert list(await uow.messages.for_salon(elsewhere.id, 10)) == [theirs]
        assert list(await uow.messages.for_customer(world.customer.id)) == [m1, m2, m3, m4]
        assert list(await uow.messages.for_customer(new_id())) == []


async def test_forget_customer_blanks_body_and_details(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    mine = message(world, body="Hi Priya, see you at 10", details={"thread": "PSID-1"})
    sent = message(
        world,
        status=MessageStatus.SENT,
        channel=Channel.SMS,
        body="Reminder",
        reason="sent by sms",
        provider_id="SM1",
        sent_at=at(1),
    )
    someone = new_id()
    theirs = message(world, customer_id=someone, body="Hi someone")
    await add(uow_factory, mine, sent, theirs)
    async with uow_factory(write=True) as uow:
        await uow.messages.forget_customer(world.customer.id)
        await uow.commit()
    assert await get(uow_factory, mine.id) == replace(mine, body=None, details={})
    assert await get(uow_factory, sent.id) == replace(sent, body=None, details={})
    assert await get(uow_factory, theirs.id) == theirs
    async with uow_factory() as uow:
        kept = await uow.messages.for_customer(world.customer.id)
    assert [(m.purpose, m.channel, m.status) for m in kept] == [
        (m.purpose, m.channel, m.status) for m in sorted([mine, sent], key=lambda m: m.id)
    ]
