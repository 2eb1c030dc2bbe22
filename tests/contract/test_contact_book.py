"""Contract: ContactBook — race-safe touch, the window only moves forward, links, assistant
state, consent history and erasure."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.booking import Customer
from domain.messaging import Channel, Consent, Contact

from .builders import IST, World, at, make_customer, new_id, seed


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


def contact(
    salon_id: str,
    scoped_id: str = "PSID-1",
    *,
    platform: Channel = Channel.MESSENGER,
    inbound: int | None = 0,
    customer_id: str | None = None,
    **changes: Any,
) -> Contact:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": salon_id,
        "customer_id": customer_id,
        "platform": platform,
        "page_id": "PAGE-1",
        "scoped_id": scoped_id,
        "last_inbound_at": None if inbound is None else at(inbound),
        "created_at": at(-60),
    }
    values.update(changes)
    return Contact(**values)


async def touch(uow_factory: UnitOfWorkFactory, item: Contact) -> Contact:
    async with uow_factory(write=True) as uow:
        stored = await uow.contacts.touch(item)
        await uow.commit()
    return stored


async def get(uow_factory: UnitOfWorkFactory, item: Contact) -> Contact | None:
    async with uow_factory() as uow:
        return await uow.contacts.get(item.salon_id, item.platform, item.scoped_id)


async def phoneless(uow_factory: UnitOfWorkFactory, salon_id: str) -> Customer:
    customer = replace(make_customer(salon_id, name="From Messenger"), phone=None)
    async with uow_factory(write=True) as uow:
        await uow.customers.add(customer)
        await uow.commit()
    return customer


async def test_touch_creates_then_returns_the_stored_row(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    first = contact(world.salon.id, created_at=at(-60).astimezone(IST))
    assert await touch(uow_factory, first) == first
    assert await get(uow_factory, first) == first
    again = contact(world.salon.id, inbound=5, page_id="PAGE-OTHER", created_at=at(5))
    stored = await touch(uow_factory, again)
    assert stored == replace(first, last_inbound_at=at(5))
    assert await get(uow_factory, first) == stored
    # The same scoped id on the other platform, or at another salon, is another contact.
    instagram = contact(world.salon.id, platform=Channel.INSTAGRAM)
    assert await touch(uow_factory, instagram) == instagram
    async with uow_factory() as uow:
        assert await uow.contacts.get(world.salon.id, Channel.MESSENGER, "PSID-2") is None
        assert await uow.contacts.get(new_id(), Channel.MESSENGER, "PSID-1") is None


async def test_last_inbound_at_never_moves_backwards(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    never = contact(world.salon.id, inbound=None)
    assert (await touch(uow_factory, never)).last_inbound_at is None
    assert (await touch(uow_factory, replace(never, id=new_id(), last_inbound_at=at(10)))) == (
        replace(never, last_inbound_at=at(10))
    )
    for minutes in (3, 10):  # older, equal
        older = contact(world.salon.id, inbound=minutes)
        assert (await touch(uow_factory, older)).last_inbound_at == at(10)
    newer = contact(world.salon.id, inbound=11, customer_id=None)
    assert (await touch(uow_factory, newer)).last_inbound_at == at(11)
    assert (await touch(uow_factory, contact(world.salon.id, inbound=None))).last_inbound_at == (
        at(11)
    )
    # In other offsets too.
    ist = contact(world.salon.id, last_inbound_at=at(9).astimezone(IST))
    assert (await touch(uow_factory, ist)).last_inbound_at == at(11)
    stored = await get(uow_factory, never)
    assert stored is not None
    assert stored.last_inbound_at == at(11)
    assert stored.last_inbound_at.utcoffset() is not None


async def test_touch_fills_a_missing_customer_but_never_replaces_one(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    other = await phoneless(uow_factory, world.salon.id)
    anonymous = contact(world.salon.id)
    await touch(uow_factory, anonymous)
    linked = await touch(uow_factory, contact(world.salon.id, customer_id=world.customer.id))
    assert linked.customer_id == world.customer.id
    kept = await touch(uow_factory, contact(world.salon.id, inbound=1, customer_id=other.id))
    assert kept.customer_id == world.customer.id
    assert (await touch(uow_factory, contact(world.salon.id))).customer_id == world.customer.id


async def test_touch_in_an_uncommitted_unit_is_not_kept(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    item = contact(world.salon.id)
    async with uow_factory(write=True) as uow:
        assert await uow.contacts.touch(item) == item
        assert await uow.contacts.get(item.salon_id, item.platform, item.scoped_id) == item
    assert await get(uow_factory, item) is None


async def test_racing_touches_create_one_contact(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    racers = [contact(world.salon.id, "PSID-RACE", inbound=n) for n in range(12)]
    stored = await asyncio.gather(*(touch(uow_factory, racer) for racer in racers))
    assert len({c.id for c in stored}) == 1
    assert stored[0].id in {r.id for r in racers}
    final = await get(uow_factory, racers[0])
    assert final is not None
    assert final.last_inbound_at == at(11)  # the latest wins, whatever the order
    async with uow_factory() as uow:
        assert [c.id for c in await uow.contacts.for_customer(world.customer.id)] == []


async def test_link_and_for_customer(uow_factory: UnitOfWorkFactory, world: World) -> None:
    messenger = await touch(uow_factory, contact(world.salon.id, "P1", created_at=at(-5)))
    instagram = await touch(
        uow_factory, contact(world.salon.id, "I1", platform=Channel.INSTAGRAM, created_at=at(-9))
    )
    stranger = await touch(uow_factory, contact(world.salon.id, "P2"))
    async with uow_factory(write=True) as uow:
        await uow.contacts.link(messenger.id, world.customer.id)
        await uow.contacts.link(instagram.id, world.customer.id)
        await uow.commit()
    async with uow_factory() as uow:
        mine = await uow.contacts.for_customer(world.customer.id)
        assert list(mine) == [
            replace(instagram, customer_id=world.customer.id),
            replace(messenger, customer_id=world.customer.id),
        ]
        assert await uow.contacts.for_customer(new_id()) == []
    assert await get(uow_factory, stranger) == stranger
    # Re-linking moves the contact (the customer was merged into another).
    other = await phoneless(uow_factory, world.salon.id)
    async with uow_factory(write=True) as uow:
        await uow.contacts.link(instagram.id, other.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert [c.id for c in await uow.contacts.for_customer(world.customer.id)] == [messenger.id]
        assert [c.id for c in await uow.contacts.for_customer(other.id)] == [instagram.id]


async def test_assistant_state_round_trip(uow_factory: UnitOfWorkFactory, world: World) -> None:
    item = await touch(uow_factory, contact(world.salon.id))
    assert item.assistant_state is None
    assert item.assistant_expires_at is None
    state: dict[str, Any] = {
        "step": "pick_time",
        "service_id": world.service.id,
        "offers": [{"start": "2026-12-01T10:00:00+00:00", "staff": None}, 2.5, True],
        "text": 'नमस्ते "quoted" \\ 😀',
        "nested": {"deep": {"er": []}},
    }
    async with uow_factory(write=True) as uow:
        await uow.contacts.save_assistant(item.id, state, at(30).astimezone(IST))
        await uow.commit()
    stored = await get(uow_factory, item)
    assert stored == replace(item, assistant_state=state, assistant_expires_at=at(30))
    assert stored is not None
    assert stored.assistant_expires_at is not None
    assert stored.assistant_expires_at.utcoffset() is not None
    # A later touch keeps the state.
    assert (await touch(uow_factory, contact(world.salon.id, inbound=3))).assistant_state == state
    async with uow_factory(write=True) as uow:
        await uow.contacts.save_assistant(item.id, {}, None)
        await uow.commit()
    stored = await get(uow_factory, item)
    assert stored is not None
    assert stored.assistant_state == {}
    async with uow_factory(write=True) as uow:
        await uow.contacts.save_assistant(item.id, None, None)
        await uow.commit()
    assert await get(uow_factory, item) == replace(item, last_inbound_at=at(3))


async def test_consent_history_is_oldest_first(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    me, other = world.customer.id, (await phoneless(uow_factory, world.salon.id)).id
    granted = Consent(me, Channel.MESSENGER, True, "messenger_link", at(0).astimezone(IST))
    stop = Consent(me, Channel.SMS, False, "keyword_stop", at(30))
    early = Consent(me, Channel.SMS, True, "booking_form", at(-30))
    again = Consent(me, Channel.MESSENGER, False, "keyword_stop", at(0))  # same instant
    theirs = Consent(other, Channel.SMS, False, "carrier_stop", at(1))
    async with uow_factory(write=True) as uow:
        for consent in (granted, stop, early, again, theirs):
            await uow.contacts.add_consent(world.salon.id, consent)
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.contacts.consents(me)) == [early, granted, again, stop]
        assert list(await uow.contacts.consents(other)) == [theirs]
        assert list(await uow.contacts.consents(new_id())) == []
        history = await uow.contacts.consents(me)
    assert all(c.at.utcoffset() is not None for c in history)
    # Uncommitted consents are not kept.
    async with uow_factory(write=True) as uow:
        await uow.contacts.add_consent(world.salon.id, replace(theirs, at=at(99)))
    async with uow_factory() as uow:
        assert list(await uow.contacts.consents(other)) == [theirs]


async def test_forget_customer_removes_their_contacts_and_consents(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    me = world.customer.id
    other = (await phoneless(uow_factory, world.salon.id)).id
    mine = [
        await touch(uow_factory, contact(world.salon.id, "P1", customer_id=me)),
        await touch(uow_factory, contact(world.salon.id, "I1", platform=Channel.INSTAGRAM)),
    ]
    theirs = await touch(uow_factory, contact(world.salon.id, "P2", customer_id=other))
    anonymous = await touch(uow_factory, contact(world.salon.id, "P3"))
    their_consent = Consent(other, Channel.SMS, True, "booking_form", at(0))
    async with uow_factory(write=True) as uow:
        await uow.contacts.link(mine[1].id, me)
        await uow.contacts.add_consent(world.salon.id, Consent(me, Channel.SMS, True, "x", at(0)))
        await uow.contacts.add_consent(world.salon.id, their_consent)
        await uow.commit()
    async with uow_factory(write=True) as uow:
        await uow.contacts.forget_customer(me)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.contacts.for_customer(me) == []
        assert await uow.contacts.consents(me) == []
        assert list(await uow.contacts.for_customer(other)) == [theirs]
        assert list(await uow.contacts.consents(other)) == [their_consent]
    for gone in mine:
        assert await get(uow_factory, gone) is None
    assert await get(uow_factory, anonymous) == anonymous
    # The same Messenger user writing again starts a new, unlinked contact.
    fresh = await touch(uow_factory, contact(world.salon.id, "P1", inbound=50))
    assert fresh.customer_id is None
    assert fresh.id != mine[0].id
