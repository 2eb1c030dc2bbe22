"""Contract: MetaRepository — integrations: one per salon, a Page in one salon only, versioned
writes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Conflict
from domain.meta import (
    Buttons,
    InstagramRef,
    IntegrationStatus,
    MetaIntegration,
    MetaMode,
    PageRef,
    TokenHealth,
)

from .builders import IST, at, committed_salons, new_id
from .test_meta_cleanup_repository import cleanup
from .test_owner_alert_repository import alert


def integration(salon_id: str, **changes: Any) -> MetaIntegration:
    """A minimal ACTIVE integration (no Page, no tokens, never checked)."""
    values: dict[str, Any] = {
        "salon_id": salon_id,
        "status": IntegrationStatus.ACTIVE,
        "mode": MetaMode.LOGIN,
        "created_at": at(0),
        "updated_at": at(0),
    }
    values.update(changes)
    return MetaIntegration(**values)


def full(salon_id: str, page_id: str = "page-1") -> MetaIntegration:
    return integration(
        salon_id,
        mode=MetaMode.MBE,
        created_at=at(-60).astimezone(IST),
        updated_at=at(5).astimezone(IST),
        meta_user_id="meta-user-1",
        user_token_sealed="sealed-user",
        user_token_expires_at=at(60 * 24 * 60).astimezone(IST),
        page=PageRef(page_id, "Glow Studio"),
        instagram=InstagramRef("ig-1", "glow.studio"),
        page_token_sealed="sealed-page",
        candidate_pages=(PageRef(page_id, "Glow Studio", "glow.studio"), PageRef("p-2", "Other")),
        buttons=Buttons("https://fb.example/b", "https://ig.example/b", None),
        token=TokenHealth(
            valid=True,
            expires_at=None,
            data_access_expires_at=at(90 * 24 * 60).astimezone(IST),
            checked_at=at(1).astimezone(IST),
        ),
        last_sync_at=at(2).astimezone(IST),
        sync_error="Reconnect, please.",
    )


async def save(uow_factory: UnitOfWorkFactory, *items: MetaIntegration) -> None:
    async with uow_factory(write=True) as uow:
        for item in items:
            await uow.meta.save(item)
        await uow.commit()


async def get(uow_factory: UnitOfWorkFactory, salon_id: str) -> MetaIntegration | None:
    async with uow_factory() as uow:
        return await uow.meta.get(salon_id)


async def test_round_trip_full_and_minimal(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await committed_salons(uow_factory, 2)
    rich, bare = full(a), integration(b, status=IntegrationStatus.PENDING)
    await save(uow_factory, rich, bare)
    got = await get(uow_factory, a)
    assert got is not None
    assert got == rich  # aware datetimes compare as instants
    assert type(got.candidate_pages) is tuple
    for instant in (got.created_at, got.user_token_expires_at, got.token.checked_at):
        assert instant is not None and instant.utcoffset() is not None  # aware
    assert await get(uow_factory, b) == bare
    assert await get(uow_factory, new_id()) is None


async def test_the_connected_page_drops_its_instagram_username(
    uow_factory: UnitOfWorkFactory,
) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    item = replace(full(a), page=PageRef("page-1", "Glow Studio", "glow.studio"))
    await save(uow_factory, item)
    got = await get(uow_factory, a)
    assert got is not None
    # The connected Page's account is `instagram`; the username is kept for candidates only.
    assert got.page == PageRef("page-1", "Glow Studio", None)
    assert got.candidate_pages == item.candidate_pages


async def test_save_replaces(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    await save(uow_factory, full(a))
    changed = replace(
        full(a, page_id="page-9"),
        status=IntegrationStatus.ERROR,
        candidate_pages=(),
        buttons=Buttons(messenger="https://m.example/b"),
        token=TokenHealth(valid=False, checked_at=at(30)),
        sync_error=None,
    )
    await save(uow_factory, changed)
    assert await get(uow_factory, a) == changed
    async with uow_factory() as uow:
        assert await uow.meta.by_page("page-1") is None
        assert await uow.meta.by_page("page-9") == changed
        assert await uow.meta.by_instagram("ig-1") == changed
        assert await uow.meta.by_instagram("ig-404") is None
    await save(uow_factory, changed.disconnected(at(40)))
    assert await get(uow_factory, a) == changed.disconnected(at(40))


async def test_a_page_belongs_to_one_salon(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await committed_salons(uow_factory, 2)
    await save(uow_factory, full(a))
    with pytest.raises(Conflict):
        await save(uow_factory, full(b))
    assert await get(uow_factory, b) is None
    await save(uow_factory, full(a).disconnected(at(10)))
    await save(uow_factory, full(b))
    async with uow_factory() as uow:
        assert await uow.meta.by_page("page-1") == full(b)
        assert await uow.meta.by_page("no-such-page") is None


async def test_by_meta_user(uow_factory: UnitOfWorkFactory) -> None:
    a, b, c = await committed_salons(uow_factory, 3)
    await save(
        uow_factory,
        full(a),
        full(b, page_id="page-2"),
        replace(full(c, page_id="page-3"), meta_user_id="meta-user-2"),
    )
    async with uow_factory() as uow:
        found = await uow.meta.by_meta_user("meta-user-1")
        assert sorted(found, key=lambda i: i.salon_id) == [full(a), full(b, page_id="page-2")]
        assert [i.salon_id for i in await uow.meta.by_meta_user("meta-user-2")] == [c]
        assert list(await uow.meta.by_meta_user("nobody")) == []


async def test_due_for_health_check(uow_factory: UnitOfWorkFactory) -> None:
    ids = await committed_salons(uow_factory, 7)
    checked = [at(-30), at(-90), at(-60)]
    never, edge, pending, failed = ids[3:]
    await save(
        uow_factory,
        *(
            integration(s, token=TokenHealth(checked_at=t))
            for s, t in zip(ids, checked, strict=False)
        ),
        integration(never),
        integration(edge, token=TokenHealth(checked_at=at(0))),  # at the cutoff: not before
        integration(pending, status=IntegrationStatus.PENDING),
        integration(failed, status=IntegrationStatus.ERROR, token=TokenHealth(checked_at=at(-99))),
    )
    async with uow_factory() as uow:
        due = [i.salon_id for i in await uow.meta.due_for_health_check(at(0), 10)]
        assert sorted(due) == sorted([*ids[:3], never])
        assert [s for s in due if s != never] == [ids[1], ids[2], ids[0]]  # oldest check first
        assert len(await uow.meta.due_for_health_check(at(0), 2)) == 2
        earlier = [i.salon_id for i in await uow.meta.due_for_health_check(at(-60), 10)]
        assert sorted(earlier) == sorted([never, ids[1]])  # checked at the cutoff: not before


async def test_with_tokens_pages_by_salon_id(uow_factory: UnitOfWorkFactory) -> None:
    ids = await committed_salons(uow_factory, 5)
    await save(
        uow_factory,
        integration(ids[0], user_token_sealed="u"),
        integration(ids[1]),  # no token
        integration(ids[2], page_token_sealed="p"),
        integration(ids[3], user_token_sealed="u", page_token_sealed="p"),
        full(ids[4]).disconnected(at(9)),  # tokens erased
    )
    async with uow_factory() as uow:
        first = [i.salon_id for i in await uow.meta.with_tokens(None, 2)]
        assert first == [ids[0], ids[2]]
        second = [i.salon_id for i in await uow.meta.with_tokens(first[-1], 2)]
        assert second == [ids[3]]
        assert list(await uow.meta.with_tokens(ids[3], 2)) == []
        assert [i.salon_id for i in await uow.meta.with_tokens(ids[0], 10)] == ids[2:4]


async def test_save_without_commit_is_rolled_back(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    async with uow_factory(write=True) as uow:
        await uow.meta.save(full(a))
        await uow.meta_cleanups.add_cleanup(cleanup(a, 0))
        assert await uow.alerts.add_alert(alert(a, 0), "k")
    assert await get(uow_factory, a) is None
    async with uow_factory() as uow:
        assert list(await uow.meta_cleanups.cleanups_for_salon(a)) == []
        assert list(await uow.alerts.alerts(a)) == []


async def save_if(
    uow_factory: UnitOfWorkFactory, item: MetaIntegration, expected: int | None
) -> bool:
    async with uow_factory(write=True) as uow:
        done = await uow.meta.save_if(item, expected)
        await uow.commit()
        return done


async def test_save_if_writes_only_over_the_version_it_read(
    uow_factory: UnitOfWorkFactory,
) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    first = replace(full(a), version=1)
    assert await save_if(uow_factory, first, None)
    assert not await save_if(uow_factory, replace(first, version=1), None)  # a row exists
    second = replace(first, status=IntegrationStatus.ERROR, version=2)
    assert await save_if(uow_factory, second, 1)
    assert not await save_if(uow_factory, replace(first, version=2), 1)  # stale read
    assert await get(uow_factory, a) == second


async def test_racing_save_ifs_over_one_version_have_one_winner(
    uow_factory: UnitOfWorkFactory,
) -> None:
    (a,) = await committed_salons(uow_factory, 1)
    assert await save_if(uow_factory, replace(full(a), version=1), None)
    rivals = [replace(full(a), sync_error=f"writer {n}", version=2) for n in range(8)]
    results = await asyncio.gather(*(save_if(uow_factory, r, 1) for r in rivals))
    assert sum(results) == 1
    winner = rivals[results.index(True)]
    assert await get(uow_factory, a) == winner
