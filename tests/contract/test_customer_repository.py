"""Contract: CustomerRepository — unique by (salon, phone), race-safe get_or_add."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.booking import Customer
from domain.errors import Conflict

from .builders import add_salon, make_customer, new_id


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
        assert await uow.customers.get_by_phone(salon.id, first.phone) == first
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
        assert await uow.customers.get_by_phone(two.id, at_two.phone) == at_two


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
        assert await uow.customers.get_by_phone(salon.id, changed.phone) == changed
        assert await uow.customers.get_by_phone(salon.id, customer.phone) is None


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
