"""Contract: SalonRepository — salons, unique slugs, locations in creation order."""

from __future__ import annotations

from dataclasses import astuple, replace
from datetime import timedelta

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Conflict
from domain.salon import BookingPolicy, Branding, Location, Salon, Tier

from .builders import IST, T0, add_salon, make_owner, make_salon, new_id


@pytest.fixture
async def owner_id(uow_factory: UnitOfWorkFactory) -> str:
    owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        await uow.commit()
    return owner.id


async def add(uow_factory: UnitOfWorkFactory, salon: Salon) -> None:
    async with uow_factory(write=True) as uow:
        await uow.salons.add(salon)
        await uow.commit()


async def test_add_get_round_trip(uow_factory: UnitOfWorkFactory, owner_id: str) -> None:
    policy = BookingPolicy(
        lead_time_minutes=0,
        horizon_days=365,
        slot_step_minutes=30,
        cancellation_window_hours=0,
        auto_confirm=False,
        verify_new_customers=False,
    )
    salon = make_salon(owner_id, tier=Tier.ELITE, policy=policy, created_at=T0.astimezone(IST))
    bare = make_salon(
        owner_id,
        created_at=None,
        branding=Branding(color="#123abc", logo_url="https://cdn.example/logo.png"),
    )
    await add(uow_factory, salon)
    await add(uow_factory, bare)
    async with uow_factory() as uow:
        got = await uow.salons.get(salon.id)
        assert got is not None and got == salon
        # Of the same types too (1 == True): the booleans come back as bool on every store.
        assert [type(v) for v in astuple(got.policy)] == [type(v) for v in astuple(policy)]
        assert await uow.salons.get(bare.id) == bare
        assert await uow.salons.get(new_id()) is None
        assert await uow.salons.get_by_slug(salon.slug) == salon
        assert await uow.salons.get_by_slug("no-such-salon") is None
        assert await uow.salons.slug_taken(salon.slug)
        assert not await uow.salons.slug_taken("no-such-salon")


async def test_a_taken_slug_is_a_conflict_and_the_unit_survives(
    uow_factory: UnitOfWorkFactory, owner_id: str
) -> None:
    first = make_salon(owner_id, slug="glow")
    await add(uow_factory, first)
    second = make_salon(owner_id, slug="glow-2")
    async with uow_factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.salons.add(make_salon(owner_id, slug="glow"))
        await uow.salons.add(second)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.salons.get_by_slug("glow") == first
        assert await uow.salons.get_by_slug("glow-2") == second


async def test_update_round_trip(uow_factory: UnitOfWorkFactory, owner_id: str) -> None:
    salon = make_salon(owner_id)
    await add(uow_factory, salon)
    changed = replace(
        salon,
        name="Glow & Go",
        timezone="Europe/Berlin",
        country="DE",
        tier=Tier.GROWTH,
        policy=salon.policy.merged({"slot_step_minutes": 20, "auto_confirm": False}),
    )
    async with uow_factory(write=True) as uow:
        await uow.salons.update(changed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.salons.get(salon.id) == changed


async def test_rollback_leaves_no_salon(uow_factory: UnitOfWorkFactory, owner_id: str) -> None:
    salon = make_salon(owner_id)
    async with uow_factory(write=True) as uow:
        await uow.salons.add(salon)
    async with uow_factory() as uow:
        assert await uow.salons.get(salon.id) is None
        assert not await uow.salons.slug_taken(salon.slug)


async def test_locations_come_in_creation_order(
    uow_factory: UnitOfWorkFactory, owner_id: str
) -> None:
    salon = make_salon(owner_id)
    other = await add_salon(uow_factory, owner_id)
    await add(uow_factory, salon)
    names = ["Main", "Annex", "Airport", "Bandra"]
    made = [
        Location(id=new_id(), salon_id=salon.id, name=name, address=None, timezone=None)
        for name in names
    ]
    made[1] = replace(made[1], address="12 MG Road", timezone="Asia/Kolkata")
    async with uow_factory(write=True) as uow:
        assert list(await uow.salons.locations(salon.id)) == []
        await uow.salons.add_location(made[0])
        await uow.salons.add_location(made[1])
        await uow.commit()
    async with uow_factory(write=True) as uow:
        await uow.salons.add_location(
            Location(id=new_id(), salon_id=other.id, name="Elsewhere", address=None, timezone=None)
        )
        await uow.salons.add_location(made[2])
        await uow.salons.add_location(made[3])
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.salons.locations(salon.id)) == made


async def test_owned_by_lists_the_owners_salons_oldest_first(
    uow_factory: UnitOfWorkFactory, owner_id: str
) -> None:
    newer = make_salon(owner_id, created_at=T0 + timedelta(hours=1))
    older = make_salon(owner_id, created_at=T0)
    other_owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(other_owner)
        await uow.commit()
    theirs = make_salon(other_owner.id, created_at=T0)
    for salon in (newer, theirs, older):
        await add(uow_factory, salon)
    async with uow_factory() as uow:
        assert [s.id for s in await uow.salons.owned_by(owner_id)] == [older.id, newer.id]
        assert [s.id for s in await uow.salons.owned_by(other_owner.id)] == [theirs.id]
        assert await uow.salons.owned_by(new_id()) == []
