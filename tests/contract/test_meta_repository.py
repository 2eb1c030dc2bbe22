"""Contract: MetaRepository — integrations (unique Page), cleanups, login states, deletion
requests and owner alerts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from application.ports.meta_repository import OAuthState, OwnerAlert
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Conflict
from domain.meta import (
    Buttons,
    DataDeletionRequest,
    InstagramRef,
    IntegrationStatus,
    MetaCleanup,
    MetaIntegration,
    MetaMode,
    PageRef,
    TokenHealth,
)

from .builders import IST, add_salon, at, new_id


async def salons(uow_factory: UnitOfWorkFactory, count: int) -> list[str]:
    """`count` committed salons' ids, sorted."""
    return sorted([(await add_salon(uow_factory)).id for _ in range(count)])


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


def state(nonce: str | None = None, expires_minutes: int = 10) -> OAuthState:
    return OAuthState(nonce or new_id(), new_id(), new_id(), at(expires_minutes).astimezone(IST))


def alert(salon_id: str, minutes: int, kind: str = "meta_token_invalid") -> OwnerAlert:
    return OwnerAlert(new_id(), salon_id, kind, f"alert at {minutes}", at(minutes))


async def save(uow_factory: UnitOfWorkFactory, *items: MetaIntegration) -> None:
    async with uow_factory(write=True) as uow:
        for item in items:
            await uow.meta.save(item)
        await uow.commit()


async def get(uow_factory: UnitOfWorkFactory, salon_id: str) -> MetaIntegration | None:
    async with uow_factory() as uow:
        return await uow.meta.get(salon_id)


async def add_cleanups(uow_factory: UnitOfWorkFactory, *items: MetaCleanup) -> None:
    async with uow_factory(write=True) as uow:
        for item in items:
            await uow.meta.add_cleanup(item)
        await uow.commit()


async def test_round_trip_full_and_minimal(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await salons(uow_factory, 2)
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
    (a,) = await salons(uow_factory, 1)
    item = replace(full(a), page=PageRef("page-1", "Glow Studio", "glow.studio"))
    await save(uow_factory, item)
    got = await get(uow_factory, a)
    assert got is not None
    # The connected Page's account is `instagram`; the username is kept for candidates only.
    assert got.page == PageRef("page-1", "Glow Studio", None)
    assert got.candidate_pages == item.candidate_pages


async def test_save_replaces(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await salons(uow_factory, 1)
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
    a, b = await salons(uow_factory, 2)
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
    a, b, c = await salons(uow_factory, 3)
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
    ids = await salons(uow_factory, 7)
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
    ids = await salons(uow_factory, 5)
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
    (a,) = await salons(uow_factory, 1)
    async with uow_factory(write=True) as uow:
        await uow.meta.save(full(a))
        await uow.meta.add_cleanup(cleanup(a, 0))
        assert await uow.meta.add_alert(alert(a, 0), "k")
    assert await get(uow_factory, a) is None
    async with uow_factory() as uow:
        assert list(await uow.meta.cleanups_for_salon(a)) == []
        assert list(await uow.meta.alerts(a)) == []


async def test_cleanup_add_get_update_delete(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await salons(uow_factory, 1)
    item = cleanup(a, 0)
    bare = cleanup(a, 5, page_id=None, page_token_sealed=None, user_token_sealed=None)
    bare = replace(bare, external_business_id=None, revoke=False)
    await add_cleanups(uow_factory, item, bare)
    async with uow_factory() as uow:
        assert await uow.meta.get_cleanup(item.id) == item
        assert await uow.meta.get_cleanup(bare.id) == bare
        assert await uow.meta.get_cleanup(new_id()) is None
    retried = replace(item, attempts=3, next_attempt_at=at(120), last_error="HTTP 500")
    async with uow_factory(write=True) as uow:
        await uow.meta.update_cleanup(retried)
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.meta.get_cleanup(item.id) == retried
        await uow.meta.delete_cleanup(item.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.meta.get_cleanup(item.id) is None
        assert [c.id for c in await uow.meta.cleanups_for_salon(a)] == [bare.id]


async def test_due_cleanups_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    (a,) = await salons(uow_factory, 1)
    late, early, edge, future = cleanup(a, -5), cleanup(a, -50), cleanup(a, 0), cleanup(a, 1)
    await add_cleanups(uow_factory, late, early, edge, future)
    async with uow_factory() as uow:
        due = [c.id for c in await uow.meta.due_cleanups(at(0), 10)]
        assert due == [early.id, late.id, edge.id]  # next_attempt_at <= now
        assert [c.id for c in await uow.meta.due_cleanups(at(0), 2)] == [early.id, late.id]
        assert list(await uow.meta.due_cleanups(at(-51), 10)) == []


async def test_cleanups_page_by_id_and_per_salon(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await salons(uow_factory, 2)
    items = [cleanup(a, n) for n in range(3)] + [cleanup(b, n) for n in range(2)]
    await add_cleanups(uow_factory, *items)
    ids = sorted(c.id for c in items)
    async with uow_factory() as uow:
        first = [c.id for c in await uow.meta.cleanups(None, 3)]
        assert first == ids[:3]
        assert [c.id for c in await uow.meta.cleanups(first[-1], 3)] == ids[3:]
        assert list(await uow.meta.cleanups(ids[-1], 3)) == []
        own = sorted(c.id for c in await uow.meta.cleanups_for_salon(a))
        assert own == sorted(c.id for c in items[:3])
        assert list(await uow.meta.cleanups_for_salon(new_id())) == []


async def test_cleanups_of_one_meta_user(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await salons(uow_factory, 2)
    mine = [cleanup(a, 0, meta_user_id="u-1"), cleanup(b, 1, meta_user_id="u-1")]
    await add_cleanups(uow_factory, *mine, cleanup(a, 2, meta_user_id="u-2"))
    await add_cleanups(uow_factory, cleanup(b, 3, meta_user_id=None))
    async with uow_factory() as uow:
        found = await uow.meta.cleanups_for_meta_user("u-1")
        assert sorted(c.id for c in found) == sorted(c.id for c in mine)
        assert all(c.meta_user_id == "u-1" for c in found)
        assert list(await uow.meta.cleanups_for_meta_user("u-3")) == []


async def consume(uow_factory: UnitOfWorkFactory, nonce: str, minutes: int) -> OAuthState | None:
    async with uow_factory(write=True) as uow:
        found = await uow.meta.consume_state(nonce, at(minutes))
        await uow.commit()
        return found


async def add_state(uow_factory: UnitOfWorkFactory, item: OAuthState) -> None:
    async with uow_factory(write=True) as uow:
        await uow.meta.add_state(item)
        await uow.commit()


async def test_a_state_is_consumed_once(uow_factory: UnitOfWorkFactory) -> None:
    item = state()
    await add_state(uow_factory, item)
    assert await consume(uow_factory, "no-such-nonce", 0) is None
    assert await consume(uow_factory, item.nonce, 0) == item
    assert await consume(uow_factory, item.nonce, 0) is None


async def test_expiry_and_a_rolled_back_consumption(uow_factory: UnitOfWorkFactory) -> None:
    item = state(expires_minutes=10)
    await add_state(uow_factory, item)
    assert await consume(uow_factory, item.nonce, 11) is None
    uncommitted = state()
    await add_state(uow_factory, uncommitted)
    async with uow_factory(write=True) as uow:
        assert await uow.meta.consume_state(uncommitted.nonce, at(0)) == uncommitted
    assert await consume(uow_factory, uncommitted.nonce, 0) == uncommitted  # rolled back


async def test_racing_consumers_have_one_winner(uow_factory: UnitOfWorkFactory) -> None:
    item = state()
    await add_state(uow_factory, item)
    results = await asyncio.gather(*(consume(uow_factory, item.nonce, 0) for _ in range(10)))
    assert [r for r in results if r is not None] == [item]


async def test_deletion_request_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    done = DataDeletionRequest("code-1", "a" * 64, "completed", 2, at(0).astimezone(IST), at(1))
    open_ = DataDeletionRequest("code-2", "b" * 64, "pending", 0, at(3), None)
    async with uow_factory(write=True) as uow:
        await uow.meta.add_deletion_request(done)
        await uow.meta.add_deletion_request(open_)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.meta.get_deletion_request("code-1") == done
        assert await uow.meta.get_deletion_request("code-2") == open_
        assert await uow.meta.get_deletion_request("code-3") is None


async def test_alerts_dedup_and_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await salons(uow_factory, 2)
    first, dup = alert(a, 0), alert(a, 1, kind="meta_data_access_expiring")
    async with uow_factory(write=True) as uow:
        assert await uow.meta.add_alert(first, "token:a") is True
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.meta.add_alert(dup, "token:a") is False
        assert await uow.meta.add_alert(alert(a, 5), "other:a") is True  # unit survives
        await uow.commit()
    later, oldest = alert(a, 9), alert(a, -9)
    async with uow_factory(write=True) as uow:
        for item in (later, oldest, alert(b, 20)):
            assert await uow.meta.add_alert(item, item.id)
        await uow.commit()
    async with uow_factory() as uow:
        listed = await uow.meta.alerts(a)
        assert [x.created_at for x in listed] == [at(9), at(5), at(0), at(-9)]
        assert listed[0] == later and listed[2] == first and listed[3] == oldest
        assert dup.id not in {x.id for x in listed}
        assert [x.id for x in await uow.meta.alerts(a, limit=2)] == [later.id, listed[1].id]
        assert list(await uow.meta.alerts(new_id())) == []


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
    (a,) = await salons(uow_factory, 1)
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
    (a,) = await salons(uow_factory, 1)
    assert await save_if(uow_factory, replace(full(a), version=1), None)
    rivals = [replace(full(a), sync_error=f"writer {n}", version=2) for n in range(8)]
    results = await asyncio.gather(*(save_if(uow_factory, r, 1) for r in rivals))
    assert sum(results) == 1
    winner = rivals[results.index(True)]
    assert await get(uow_factory, a) == winner
