"""Contract: OtpRepository's outbox of codes to text — due ids oldest first, taken once."""

from __future__ import annotations

import asyncio

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.otp import OtpDelivery

from .builders import IST, add_salon, at, new_id

PHONE = "+919876543210"


def delivery(salon_id: str, due: int, code: str = "123456") -> OtpDelivery:
    return OtpDelivery(
        id=new_id(),
        salon_id=salon_id,
        phone=PHONE,
        code=code,
        due_at=at(due),
        expires_at=at(due + 10).astimezone(IST),
    )


async def add(uow_factory: UnitOfWorkFactory, *deliveries: OtpDelivery) -> None:
    async with uow_factory(write=True) as uow:
        for d in deliveries:
            await uow.otp.add_delivery(d)
        await uow.commit()


async def take(uow_factory: UnitOfWorkFactory, delivery_id: str, now: int) -> OtpDelivery | None:
    async with uow_factory(write=True) as uow:
        taken = await uow.otp.take_delivery(delivery_id, at(now))
        await uow.commit()
    return taken


async def test_due_ids_come_oldest_first_and_only_once_due(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    late, early, later = delivery(salon.id, 2), delivery(salon.id, 1), delivery(salon.id, 5)
    await add(uow_factory, late, early, later)
    async with uow_factory() as uow:
        assert await uow.otp.due_deliveries(at(0), 10) == []
        assert await uow.otp.due_deliveries(at(2), 10) == [early.id, late.id]
        assert await uow.otp.due_deliveries(at(9), 1) == [early.id]


async def test_a_taken_delivery_comes_back_whole_and_is_gone(
    uow_factory: UnitOfWorkFactory,
) -> None:
    salon = await add_salon(uow_factory)
    d = delivery(salon.id, 1, code="654321")
    await add(uow_factory, d)
    assert await take(uow_factory, d.id, 0) is None  # not due yet: stays
    taken = await take(uow_factory, d.id, 1)
    assert taken == d and taken is not None
    assert taken.expires_at == d.expires_at and taken.expires_at.utcoffset() is not None
    assert await take(uow_factory, d.id, 1) is None
    async with uow_factory() as uow:
        assert await uow.otp.due_deliveries(at(60), 10) == []


async def test_racing_takers_get_a_delivery_at_most_once(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    d = delivery(salon.id, 0)
    await add(uow_factory, d)
    results = await asyncio.gather(*(take(uow_factory, d.id, 1) for _ in range(10)))
    assert [r for r in results if r is not None] == [d]


async def test_an_uncommitted_delivery_is_not_stored(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.otp.add_delivery(delivery(salon.id, 0))  # rolled back: no commit
    async with uow_factory() as uow:
        assert await uow.otp.due_deliveries(at(60), 10) == []
