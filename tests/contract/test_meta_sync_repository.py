"""Contract: MetaSyncRepository — debounced requests, capped debounce, leases, outcomes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from application.ports.meta_sync_repository import MAX_DEBOUNCE, MetaSyncState
from application.ports.unit_of_work import UnitOfWorkFactory

from .builders import IST, add_salon, at

DEBOUNCE = timedelta(seconds=5)


def secs(n: float) -> datetime:
    return at(0) + timedelta(seconds=n)


async def request(uow_factory: UnitOfWorkFactory, salon_id: str, now: datetime) -> None:
    async with uow_factory(write=True) as uow:
        await uow.meta_sync.request(salon_id, now, DEBOUNCE)
        await uow.commit()


async def get(uow_factory: UnitOfWorkFactory, salon_id: str) -> MetaSyncState | None:
    async with uow_factory() as uow:
        return await uow.meta_sync.get(salon_id)


async def due(uow_factory: UnitOfWorkFactory, now: datetime) -> list[str]:
    async with uow_factory() as uow:
        return list(await uow.meta_sync.due(now, 100))


async def claim(uow_factory: UnitOfWorkFactory, salon_id: str, now: datetime, lease: int) -> bool:
    async with uow_factory(write=True) as uow:
        got = await uow.meta_sync.claim(salon_id, now, now + timedelta(seconds=lease))
        await uow.commit()
    return got


async def done(uow_factory: UnitOfWorkFactory, salon_id: str, at_: datetime, fp: str) -> None:
    async with uow_factory(write=True) as uow:
        await uow.meta_sync.done(salon_id, at_, fp)
        await uow.commit()


async def failed(uow_factory: UnitOfWorkFactory, salon_id: str, retry_at: datetime) -> None:
    async with uow_factory(write=True) as uow:
        await uow.meta_sync.failed(salon_id, "Meta is down", retry_at)
        await uow.commit()


async def oldest(uow_factory: UnitOfWorkFactory) -> datetime | None:
    async with uow_factory() as uow:
        return await uow.meta_sync.oldest_request()


async def test_a_request_is_due_after_the_debounce(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    assert await get(uow_factory, salon.id) is None
    assert await oldest(uow_factory) is None
    await request(uow_factory, salon.id, secs(0).astimezone(IST))
    state = await get(uow_factory, salon.id)
    assert state == MetaSyncState(salon.id, secs(5), None, None, secs(0), None, None, 0)
    assert state is not None
    assert state.due_at is not None and state.due_at.utcoffset() is not None
    assert await due(uow_factory, secs(4.9)) == []
    assert await due(uow_factory, secs(5)) == [salon.id]
    assert await oldest(uow_factory) == secs(0)


async def test_requests_push_the_due_time_but_never_past_the_cap(
    uow_factory: UnitOfWorkFactory,
) -> None:
    salon = await add_salon(uow_factory)
    for n in range(0, 40, 4):  # a change every 4 s, for 40 s
        await request(uow_factory, salon.id, secs(n))
        state = await get(uow_factory, salon.id)
        assert state is not None
        assert state.requested_at == secs(0)  # the earliest unsynced change is kept
        assert state.due_at == min(secs(n + 5), secs(0) + MAX_DEBOUNCE)
    assert await due(uow_factory, secs(29)) == []
    assert await due(uow_factory, secs(30)) == [salon.id]


async def test_due_is_ordered_and_limited(uow_factory: UnitOfWorkFactory) -> None:
    first, second, third = [await add_salon(uow_factory) for _ in range(3)]
    await request(uow_factory, second.id, secs(2))
    await request(uow_factory, first.id, secs(0))
    await request(uow_factory, third.id, secs(100))
    assert await due(uow_factory, secs(10)) == [first.id, second.id]
    async with uow_factory() as uow:
        assert list(await uow.meta_sync.due(secs(10), 1)) == [first.id]


async def test_claim_leases_once_and_done_settles(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    assert await claim(uow_factory, salon.id, secs(10), 60) is False  # no row
    await request(uow_factory, salon.id, secs(0))
    assert await claim(uow_factory, salon.id, secs(1), 60) is False  # not due yet
    assert await claim(uow_factory, salon.id, secs(5), 60) is True
    assert await claim(uow_factory, salon.id, secs(6), 60) is False  # leased
    assert await due(uow_factory, secs(6)) == []
    await done(uow_factory, salon.id, secs(5), "fp1")
    state = await get(uow_factory, salon.id)
    assert state == MetaSyncState(salon.id, None, None, secs(5), None, "fp1", None, 0)
    assert await due(uow_factory, secs(1000)) == []
    assert await oldest(uow_factory) is None


async def test_a_lease_that_runs_out_is_due_again(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await request(uow_factory, salon.id, secs(0))
    assert await claim(uow_factory, salon.id, secs(5), 60)
    assert await due(uow_factory, secs(64)) == []
    assert await due(uow_factory, secs(65)) == [salon.id]  # the worker died
    assert await claim(uow_factory, salon.id, secs(65), 60)


async def test_a_request_during_the_sync_is_not_lost(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await request(uow_factory, salon.id, secs(0))
    assert await claim(uow_factory, salon.id, secs(5), 60)
    await request(uow_factory, salon.id, secs(6))  # a change while Meta is being called
    await done(uow_factory, salon.id, secs(5), "fp1")
    state = await get(uow_factory, salon.id)
    assert state is not None
    assert state.synced_at == secs(5) and state.fingerprint == "fp1"
    assert state.requested_at == secs(5)
    assert state.due_at is not None and state.due_at <= secs(11)
    assert await due(uow_factory, secs(11)) == [salon.id]


async def test_failure_backs_off_and_keeps_the_request(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await request(uow_factory, salon.id, secs(0))
    assert await claim(uow_factory, salon.id, secs(5), 60)
    await failed(uow_factory, salon.id, secs(35))
    state = await get(uow_factory, salon.id)
    assert state == MetaSyncState(salon.id, secs(35), None, None, secs(0), None, "Meta is down", 1)
    # A new change does not retry hot while backing off.
    await request(uow_factory, salon.id, secs(10))
    assert (await get(uow_factory, salon.id)).due_at == secs(35)  # type: ignore[union-attr]
    assert await due(uow_factory, secs(34)) == []
    assert await claim(uow_factory, salon.id, secs(35), 60)
    await failed(uow_factory, salon.id, secs(95))
    assert (await get(uow_factory, salon.id)).attempts == 2  # type: ignore[union-attr]
    assert await claim(uow_factory, salon.id, secs(95), 60)
    await done(uow_factory, salon.id, secs(95), "fp")
    state = await get(uow_factory, salon.id)
    assert state == MetaSyncState(salon.id, None, None, secs(95), None, "fp", None, 0)


async def test_cancel_forgets_what_is_owed(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await request(uow_factory, salon.id, secs(0))
    assert await claim(uow_factory, salon.id, secs(5), 60)
    await done(uow_factory, salon.id, secs(5), "fp")
    await request(uow_factory, salon.id, secs(10))
    async with uow_factory(write=True) as uow:
        await uow.meta_sync.cancel(salon.id)
        await uow.meta_sync.cancel("no-such-salon")
        await uow.commit()
    state = await get(uow_factory, salon.id)
    assert state == MetaSyncState(salon.id, None, None, secs(5), None, None, None, 0)


async def test_synced_before_finds_stale_and_missing(uow_factory: UnitOfWorkFactory) -> None:
    old, fresh, never, owed, missing = [await add_salon(uow_factory) for _ in range(5)]
    for salon, when in ((old, secs(0)), (fresh, secs(3600))):
        await request(uow_factory, salon.id, when)
        assert await claim(uow_factory, salon.id, when + DEBOUNCE, 60)
        await done(uow_factory, salon.id, when, "fp")
    await request(uow_factory, never.id, secs(0))  # owed: not stale, just waiting
    assert await claim(uow_factory, never.id, secs(5), 60)
    await failed(uow_factory, never.id, secs(10))
    await request(uow_factory, owed.id, secs(3000))
    async with uow_factory() as uow:
        got = await uow.meta_sync.synced_before(
            [old.id, fresh.id, never.id, owed.id, missing.id, old.id], secs(1800)
        )
        assert list(got) == [old.id, missing.id]
        assert list(await uow.meta_sync.synced_before([], secs(1800))) == []


async def test_racing_claims_take_it_once(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await request(uow_factory, salon.id, secs(0))
    results = await asyncio.gather(*(claim(uow_factory, salon.id, secs(5), 60) for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]


async def test_racing_requests_keep_one_row(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await asyncio.gather(*(request(uow_factory, salon.id, secs(n)) for n in range(8)))
    state = await get(uow_factory, salon.id)
    assert state is not None and state.requested_at is not None
    assert state.requested_at <= secs(7)
    assert state.due_at is not None and state.due_at <= state.requested_at + MAX_DEBOUNCE


async def test_a_rolled_back_request_leaves_nothing(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.meta_sync.request(salon.id, secs(0), DEBOUNCE)
    assert await get(uow_factory, salon.id) is None
