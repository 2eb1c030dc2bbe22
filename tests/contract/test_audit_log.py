"""Contract: AuditLog — record in the caller's transaction, search newest first, keyset pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from application.ports.audit_log import AuditPage
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.audit import ActorType, AuditEntry, EntityType, encode_cursor
from domain.errors import Conflict, ValidationFailed

from .builders import IST, World, add_salon, at, new_id, seed


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    return await seed(uow_factory)


def entry(salon_id: str, minutes: int = 0, **changes: Any) -> AuditEntry:
    values: dict[str, Any] = {
        "id": new_id(),
        "salon_id": salon_id,
        "at": at(minutes),
        "actor_type": ActorType.OWNER,
        "actor_id": new_id(),
        "action": "service.updated",
        "entity_type": EntityType.SERVICE,
        "entity_id": new_id(),
        "changes": {"price_minor": (49_900, 59_900)},
        "request_id": "req-1",
    }
    values.update(changes)
    return AuditEntry(**values)


async def record(uow_factory: UnitOfWorkFactory, *entries: AuditEntry) -> None:
    async with uow_factory(write=True) as uow:
        for e in entries:
            await uow.audit.record(e)
        await uow.commit()


async def search(uow_factory: UnitOfWorkFactory, salon_id: str, **filters: Any) -> AuditPage:
    async with uow_factory() as uow:
        return await uow.audit.search(salon_id, **filters)


async def everything(uow_factory: UnitOfWorkFactory, salon_id: str, **filters: Any) -> list[str]:
    """Ids of every entry, following cursors page by page."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = await search(uow_factory, salon_id, before_cursor=cursor, **filters)
        ids += [e.id for e in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


async def test_an_entry_round_trips_with_every_field(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    recorded = entry(
        world.salon.id,
        at=at(0).astimezone(IST),
        actor_type=ActorType.CUSTOMER,
        action="booking.rescheduled",
        entity_type=EntityType.BOOKING,
        changes={
            "start": ("2026-12-01T10:00:00+00:00", "2026-12-01T11:00:00+00:00"),
            "service_ids": (["a", "b"], ["b"]),
            "active": (True, False),
            "description": (None, "Wash, cut & dry — ünïcode"),
        },
    )
    await record(uow_factory, recorded)
    page = await search(uow_factory, world.salon.id)
    assert page.items == [recorded]
    assert page.next_cursor is None
    assert page.items[0].at.utcoffset() is not None  # aware


async def test_optional_fields_may_be_empty(uow_factory: UnitOfWorkFactory, world: World) -> None:
    recorded = entry(world.salon.id, actor_type=ActorType.SYSTEM, actor_id=None, request_id=None)
    await record(uow_factory, recorded)
    assert (await search(uow_factory, world.salon.id)).items == [recorded]


async def test_newest_first_ties_broken_by_id(uow_factory: UnitOfWorkFactory, world: World) -> None:
    entries = [entry(world.salon.id, m) for m in (5, 0, 10)]
    same_instant = [entry(world.salon.id, 7) for _ in range(3)]
    await record(uow_factory, *entries, *same_instant)
    found = (await search(uow_factory, world.salon.id)).items
    expected = sorted([*entries, *same_instant], key=lambda e: (e.at, e.id), reverse=True)
    assert [e.id for e in found] == [e.id for e in expected]


async def test_pages_follow_the_cursor_without_gaps_or_repeats(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    entries = [entry(world.salon.id, m // 2) for m in range(7)]  # pairs share an instant
    await record(uow_factory, *entries)
    first = await search(uow_factory, world.salon.id, limit=3)
    assert len(first.items) == 3 and first.next_cursor is not None
    # A newer entry written between pages does not shift the next page (keyset, not offset).
    await record(uow_factory, entry(world.salon.id, 60))
    second = await search(uow_factory, world.salon.id, limit=3, before_cursor=first.next_cursor)
    third = await search(uow_factory, world.salon.id, limit=3, before_cursor=second.next_cursor)
    assert len(second.items) == 3 and len(third.items) == 1 and third.next_cursor is None
    paged = [e.id for page in (first, second, third) for e in page.items]
    newest_first = sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
    assert paged == [e.id for e in newest_first]


async def test_an_exactly_full_last_page_has_no_cursor(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    await record(uow_factory, *(entry(world.salon.id, m) for m in range(4)))
    first = await search(uow_factory, world.salon.id, limit=2)
    second = await search(uow_factory, world.salon.id, limit=2, before_cursor=first.next_cursor)
    assert len(second.items) == 2 and second.next_cursor is None


async def test_filters_on_time_entity_and_salon(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    other = await add_salon(uow_factory)
    booking = entry(world.salon.id, 10, entity_type=EntityType.BOOKING, action="booking.created")
    early, late = entry(world.salon.id, 0), entry(world.salon.id, 20)
    await record(uow_factory, early, booking, late, entry(other.id, 10))

    def ids(page: AuditPage) -> list[str]:
        return [e.id for e in page.items]

    salon = world.salon.id
    assert ids(await search(uow_factory, salon)) == [late.id, booking.id, early.id]
    assert ids(await search(uow_factory, salon, start_from=at(10))) == [late.id, booking.id]
    assert ids(await search(uow_factory, salon, start_to=at(20))) == [booking.id, early.id]
    assert (
        ids(await search(uow_factory, salon, start_from=at(10), start_to=at(10).astimezone(IST)))
        == []
    )
    assert ids(await search(uow_factory, salon, entity_type=EntityType.BOOKING)) == [booking.id]
    assert ids(await search(uow_factory, salon, entity_type=EntityType.STAFF)) == []
    assert await everything(uow_factory, salon, limit=1, entity_type=EntityType.SERVICE) == [
        late.id,
        early.id,
    ]


async def test_a_rolled_back_transaction_leaves_no_entry(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    async with uow_factory(write=True) as uow:
        await uow.audit.record(entry(world.salon.id))
        assert len((await uow.audit.search(world.salon.id)).items) == 1  # sees its own work

    async def fail_midway() -> None:
        async with uow_factory(write=True) as uow:
            await uow.audit.record(entry(world.salon.id))
            raise LookupError

    with pytest.raises(LookupError):
        await fail_midway()
    assert (await search(uow_factory, world.salon.id)).items == []


async def test_the_entry_commits_with_the_change_it_describes(
    uow_factory: UnitOfWorkFactory, world: World
) -> None:
    renamed = replace(world.service, name="Fade")
    async with uow_factory(write=True) as uow:
        await uow.catalog.update_service(renamed)
        await uow.audit.record(entry(world.salon.id, entity_id=renamed.id))
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.catalog.get_service(renamed.id)) == renamed
        assert [e.entity_id for e in (await uow.audit.search(world.salon.id)).items] == [renamed.id]


async def test_an_id_is_recorded_once(uow_factory: UnitOfWorkFactory, world: World) -> None:
    first = entry(world.salon.id)
    await record(uow_factory, first)
    with pytest.raises(Conflict):
        await record(uow_factory, entry(world.salon.id, id=first.id, action="salon.updated"))
    assert (await search(uow_factory, world.salon.id)).items == [first]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "",
        encode_cursor(at(0), "x\x00y"),  # PostgreSQL text cannot even hold this id
        "MjAyNi0xMi0wMVQxMDowMDowMA",  # an instant without offset or id
        "x" * 500,
    ],
)
async def test_a_malformed_cursor_is_a_validation_error(
    uow_factory: UnitOfWorkFactory, world: World, cursor: str
) -> None:
    with pytest.raises(ValidationFailed):
        await search(uow_factory, world.salon.id, before_cursor=cursor)
