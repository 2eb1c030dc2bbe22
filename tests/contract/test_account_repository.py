"""Contract: AccountRepository — owners unique by email, revocable token hashes."""

from __future__ import annotations

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Conflict

from .builders import T0, make_owner


async def test_owner_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email(owner.email) == owner
        assert await uow.accounts.owner_by_email("nobody@example.com") is None


async def test_a_taken_email_is_a_conflict_and_the_unit_survives(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first = make_owner("owner@example.com")
    await_later = make_owner("other@example.com")
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(first)
        await uow.commit()
    async with uow_factory(write=True) as uow:
        with pytest.raises(Conflict):
            await uow.accounts.add_owner(make_owner("owner@example.com"))
        await uow.accounts.add_owner(await_later)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email("owner@example.com") == first
        assert await uow.accounts.owner_by_email("other@example.com") == await_later


async def test_tokens_resolve_until_revoked(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        await uow.accounts.add_token("a" * 64, owner.id, T0)
        await uow.accounts.add_token("b" * 64, owner.id, T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.owner_id_for_token("a" * 64) == owner.id
        assert await uow.accounts.owner_id_for_token("c" * 64) is None
    async with uow_factory(write=True) as uow:
        await uow.accounts.revoke_token("a" * 64)
        await uow.accounts.revoke_token("a" * 64)  # twice is fine
        await uow.accounts.revoke_token("c" * 64)  # unknown is fine
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.owner_id_for_token("a" * 64) is None
        assert await uow.accounts.owner_id_for_token("b" * 64) == owner.id


async def test_rollback_leaves_no_owner_or_token(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        await uow.accounts.add_token("d" * 64, owner.id, T0)
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email(owner.email) is None
        assert await uow.accounts.owner_id_for_token("d" * 64) is None
