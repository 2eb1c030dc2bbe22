"""Contract: IdempotencyRepository — unique (scope, key), expiry on read, replace and purge."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from application.ports.idempotency_repository import IdempotencyRecord
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Conflict

from .builders import IST, at, new_id


def record(key: str, minutes: int = 0, scope: str = "book:salon-1") -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=scope,
        key=key,
        fingerprint="f" * 64,
        booking_id=new_id(),
        manage_token=f"manage-{key}",
        created_at=at(minutes).astimezone(IST),
    )


async def add(uow_factory: UnitOfWorkFactory, item: IdempotencyRecord, expired_before: int) -> None:
    async with uow_factory(write=True) as uow:
        await uow.idempotency.add(item, at(expired_before))
        await uow.commit()


async def get(
    uow_factory: UnitOfWorkFactory, key: str, not_before: int, scope: str = "book:salon-1"
) -> IdempotencyRecord | None:
    async with uow_factory() as uow:
        return await uow.idempotency.get(scope, key, at(not_before))


async def test_round_trip_and_not_before(uow_factory: UnitOfWorkFactory) -> None:
    item = record("k1", minutes=0)
    await add(uow_factory, item, expired_before=-1440)
    assert await get(uow_factory, "k1", not_before=-1440) == item
    assert await get(uow_factory, "k1", not_before=0) == item  # not_before is inclusive
    assert await get(uow_factory, "k1", not_before=1) is None
    assert await get(uow_factory, "k2", not_before=-1440) is None
    assert await get(uow_factory, "k1", not_before=-1440, scope="other") is None


async def test_a_live_key_is_a_conflict_and_the_unit_survives(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first = record("k1", minutes=0)
    await add(uow_factory, first, expired_before=-1440)
    other_scope = record("k1", minutes=5, scope="book:salon-2")
    async with uow_factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.idempotency.add(record("k1", minutes=5), at(0))  # created_at == bound
        await uow.idempotency.add(other_scope, at(-1440))
        await uow.commit()
    assert await get(uow_factory, "k1", not_before=-1440) == first
    assert await get(uow_factory, "k1", not_before=-1440, scope="book:salon-2") == other_scope


async def test_an_expired_key_is_replaced(uow_factory: UnitOfWorkFactory) -> None:
    await add(uow_factory, record("k1", minutes=0), expired_before=-1440)
    newer = record("k1", minutes=2000)
    await add(uow_factory, newer, expired_before=1)
    assert await get(uow_factory, "k1", not_before=-1440) == newer


async def test_racing_adds_store_one(uow_factory: UnitOfWorkFactory) -> None:
    racers = [replace(record("race"), booking_id=new_id()) for _ in range(8)]

    async def try_add(item: IdempotencyRecord) -> bool:
        try:
            await add(uow_factory, item, expired_before=-1440)
        except Conflict:
            return False
        return True

    results = await asyncio.gather(*(try_add(item) for item in racers))
    assert sorted(results) == [False] * 7 + [True]
    stored = await get(uow_factory, "race", not_before=-1440)
    assert stored == racers[results.index(True)]


async def test_purge_removes_old_records(uow_factory: UnitOfWorkFactory) -> None:
    for key, minutes in [("old1", -3000), ("old2", -1441), ("edge", -1440), ("new", 0)]:
        await add(uow_factory, record(key, minutes), expired_before=-10_000)
    async with uow_factory(write=True) as uow:
        assert await uow.idempotency.purge(at(-1440)) == 2
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.idempotency.purge(at(-1440)) == 0
    for key, expected in [("old1", False), ("old2", False), ("edge", True), ("new", True)]:
        assert (await get(uow_factory, key, not_before=-10_000) is not None) is expected
