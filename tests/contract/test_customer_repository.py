"""Contract: CustomerRepository — unique by (salon, phone), race-safe get_or_add."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.booking import Customer
from domain.errors import Conflict

from .builders import IST, add_salon, make_customer, new_id

PHONE = "+919876543210"  # make_customer's default


def phoneless(salon_id: str, **changes: Any) -> Customer:
    return replace(make_customer(salon_id, **changes), phone=None)


async def get_or_add(uow_factory: UnitOfWorkFactory, customer: Customer) -> Customer:
    async with uow_factory(write=True) as uow:
        stored = await uow.customers.get_or_add(customer)
        await uow.commit()
    return stored


async def test_get_or_add_creates_then_returns_the_first(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    first = make_customer(salon.id, email="priya@example.com")
    assert await get_or_add(uow_factory, first) == first
    again = make_customer(salon.id, name="Someone else")  # same phone, new id
    assert await get_or_add(uow_factory, again) == first
    async with uow_factory() as uow:
        assert await uow.customers.get(first.id) == first
        assert await uow.customers.get(again.id) is None
        assert await uow.customers.get_by_phone(salon.id, PHONE) == first
        assert await uow.customers.get_by_phone(salon.id, "+919800000000") is None
        assert await uow.customers.get(new_id()) is None


async def test_the_same_phone_at_another_salon_is_another_customer(
    uow_factory: UnitOfWorkFactory,
) -> None:
    one, two = await add_salon(uow_factory), await add_salon(uow_factory)
    at_one, at_two = make_customer(one.id), make_customer(two.id)
    assert await get_or_add(uow_factory, at_one) == at_one
    assert await get_or_add(uow_factory, at_two) == at_two
    async with uow_factory() as uow:
        assert await uow.customers.get_by_phone(two.id, PHONE) == at_two


async def test_get_or_add_sees_its_own_unit(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    first = make_customer(salon.id)
    async with uow_factory(write=True) as uow:
        assert await uow.customers.get_or_add(first) == first
        assert await uow.customers.get_or_add(make_customer(salon.id)) == first
    async with uow_factory() as uow:  # not committed
        assert await uow.customers.get(first.id) is None


async def test_update_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    customer = await get_or_add(uow_factory, make_customer(salon.id))
    changed = replace(customer, name="Priya S", phone="+919811111111", email="p@example.com")
    async with uow_factory(write=True) as uow:
        await uow.customers.update(changed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(customer.id) == changed
        assert await uow.customers.get_by_phone(salon.id, "+919811111111") == changed
        assert await uow.customers.get_by_phone(salon.id, PHONE) is None


async def test_update_onto_a_taken_phone_is_a_conflict(
    uow_factory: UnitOfWorkFactory, request: pytest.FixtureRequest
) -> None:
    salon = await add_salon(uow_factory)
    first = await get_or_add(uow_factory, make_customer(salon.id, phone="+919800000001"))
    second = await get_or_add(uow_factory, make_customer(salon.id, phone="+919800000002"))
    async with uow_factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.customers.update(replace(second, phone=first.phone))
        await uow.customers.update(replace(second, name="Still usable"))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(second.id) == replace(second, name="Still usable")


async def test_concurrent_get_or_add_creates_one_customer(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    racers = [make_customer(salon.id, name=f"Racer {i}") for i in range(12)]
    stored = await asyncio.gather(*(get_or_add(uow_factory, racer) for racer in racers))
    assert len({customer.id for customer in stored}) == 1
    assert stored[0] in racers


# --- customers without a phone, erasure ---


async def test_customers_without_a_phone(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    first = phoneless(salon.id, name="From Messenger")
    second = phoneless(salon.id, name="From Instagram", email="ig@example.com")
    async with uow_factory(write=True) as uow:
        await uow.customers.add(first)
        await uow.customers.add(second)  # two phone-less customers in one salon
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(first.id) == first
        assert await uow.customers.get(second.id) == second
    # One of them later gives a phone; a phone-holder may give theirs up again.
    with_phone = replace(first, phone="+919800000009")
    async with uow_factory(write=True) as uow:
        await uow.customers.update(with_phone)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get_by_phone(salon.id, "+919800000009") == with_phone
    phoned = await get_or_add(uow_factory, make_customer(salon.id, phone="+919800000001"))
    async with uow_factory(write=True) as uow:
        await uow.customers.update(replace(phoned, phone=None))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(phoned.id) == replace(phoned, phone=None)
        assert await uow.customers.get_by_phone(salon.id, "+919800000001") is None


async def test_add_with_a_taken_phone_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await get_or_add(uow_factory, make_customer(salon.id))  # takes PHONE
    async with uow_factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.customers.add(make_customer(salon.id))
        fine = phoneless(salon.id)
        await uow.customers.add(fine)  # the unit stays usable
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(fine.id) == fine


async def test_get_or_add_needs_a_phone(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    async with uow_factory(write=True) as uow:
        with pytest.raises(ValueError, match="phone"):
            await uow.customers.get_or_add(phoneless(salon.id))


async def test_erased_at_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    customer = await get_or_add(uow_factory, make_customer(salon.id, email="p@example.com"))
    assert customer.erased_at is None
    erased_at = datetime(2026, 12, 2, 15, 30, 0, 123456, tzinfo=IST)
    erased = replace(customer, name="(erased)", phone=None, email=None, erased_at=erased_at)
    async with uow_factory(write=True) as uow:
        await uow.customers.update(erased)
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.customers.get(customer.id)
        assert got == erased
        assert got is not None
        assert got.erased_at is not None
        assert got.erased_at.utcoffset() is not None
        assert await uow.customers.get_by_phone(salon.id, PHONE) is None
    # The phone is free again, for a new customer.
    again = make_customer(salon.id)
    assert await get_or_add(uow_factory, again) == again
    # Added already erased (an import, say).
    gone = phoneless(salon.id, erased_at=erased_at)
    async with uow_factory(write=True) as uow:
        await uow.customers.add(gone)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(gone.id) == gone
