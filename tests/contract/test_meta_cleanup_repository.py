"""Contract: MetaCleanupRepository — cleanups owed to Meta: due ones oldest first, paging by id,
per salon and per Meta user."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.meta import MetaCleanup

from .builders import IST, at, committed_salons, new_id


def cleanup(salon_id: str, next_minutes: int, **changes: Any) -> MetaCleanup:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": salon_id,
        "page_id": "page-1",
        "page_token_sealed": "sealed-page",
        "user_token_sealed": "sealed-user",
        "external_business_id": "ext-1",
        "revoke": True,
        "meta_user_id": "900000000000001",
        "attempts": 0,
        "next_attempt_at": at(next_minutes).astimezone(IST),
        "last_error": None,
        "created_at": at(-10),
    }
    values.update(changes)
    return MetaCleanup(**values)


async def add_cleanups(uow_factory: UnitOfWorkFactory, *items: MetaCleanup) -> None:
    async with uow_factory(write=True) as uow:
        for item in items:
            await uow.meta_cleanups.add_cleanup(item)
        await uow.commit()


async def test_cleanup_add_get_update_delete(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    item = cleanup(a, 0)
    bare = cleanup(a, 5, page_id=None, page_token_sealed=None, user_token_sealed=None)
    bare = replace(bare, external_business_id=None, revoke=False)
    await add_cleanups(uow_factory, item, bare)
    async with uow_factory() as uow:
        assert await uow.meta_cleanups.get_cleanup(item.id) == item
        assert await uow.meta_cleanups.get_cleanup(bare.id) == bare
        assert await uow.meta_cleanups.get_cleanup(new_id()) is None
    retried = replace(item, attempts=3, next_attempt_at=at(120), last_error="HTTP 500")
    async with uow_factory(write=True) as uow:
        await uow.meta_cleanups.update_cleanup(retried)
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.meta_cleanups.get_cleanup(item.id) == retried
        await uow.meta_cleanups.delete_cleanup(item.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.meta_cleanups.get_cleanup(item.id) is None
        assert [c.id for c in await uow.meta_cleanups.cleanups_for_salon(a)] == [bare.id]


async def test_due_cleanups_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    late, early, edge, future = cleanup(a, -5), cleanup(a, -50), cleanup(a, 0), cleanup(a, 1)
    await add_cleanups(uow_factory, late, early, edge, future)
    async with uow_factory() as uow:
        due = [c.id for c in await uow.meta_cleanups.due_cleanups(at(0), 10)]
        assert due == [early.id, late.id, edge.id]  # next_attempt_at <= now
        assert [c.id for c in await uow.meta_cleanups.due_cleanups(at(0), 2)] == [early.id, late.id]
        assert list(await uow.meta_cleanups.due_cleanups(at(-51), 10)) == []


async def test_cleanups_page_by_id_and_per_salon(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await committed_salons(uow_factory, 2)
    items = [cleanup(a, n) for n in range(3)] + [cleanup(b, n) for n in range(2)]
    await add_cleanups(uow_factory, *items)
    ids = sorted(c.id for c in items)
    async with uow_factory() as uow:
        first = [c.id for c in await uow.meta_cleanups.cleanups(None, 3)]
        assert first == ids[:3]
        assert [c.id for c in await uow.meta_cleanups.cleanups(first[-1], 3)] == ids[3:]
        assert list(await uow.meta_cleanups.cleanups(ids[-1], 3)) == []
        own = sorted(c.id for c in await uow.meta_cleanups.cleanups_for_salon(a))
        assert own == sorted(c.id for c in items[:3])
        assert list(await uow.meta_cleanups.cleanups_for_salon(new_id())) == []


async def test_cleanups_of_one_meta_user(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await committed_salons(uow_factory, 2)
    mine = [cleanup(a, 0, meta_user_id="u-1"), cleanup(b, 1, meta_user_id="u-1")]
    await add_cleanups(uow_factory, *mine, cleanup(a, 2, meta_user_id="u-2"))
    await add_cleanups(uow_factory, cleanup(b, 3, meta_user_id=None))
    async with uow_factory() as uow:
        found = await uow.meta_cleanups.cleanups_for_meta_user("u-1")
        assert sorted(c.id for c in found) == sorted(c.id for c in mine)
        assert all(c.meta_user_id == "u-1" for c in found)
        assert list(await uow.meta_cleanups.cleanups_for_meta_user("u-3")) == []
