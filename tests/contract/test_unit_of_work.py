"""Contract: UnitOfWork — rollback by default, explicit commit, read-only units."""

from __future__ import annotations

import pytest

from application.ports.unit_of_work import UnitOfWorkFactory, repository_names

from .builders import make_owner


async def test_commit_makes_work_visible(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email(owner.email) == owner


async def test_leaving_without_commit_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(owner)
        assert await uow.accounts.owner_by_email(owner.email) == owner  # sees its own work
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email(owner.email) is None


async def test_an_exception_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()

    async def fail_midway() -> None:
        async with uow_factory(write=True) as uow:
            await uow.accounts.add_owner(owner)
            raise LookupError

    with pytest.raises(LookupError):
        await fail_midway()
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email(owner.email) is None


async def test_work_after_commit_needs_another_commit(
    uow_factory: UnitOfWorkFactory, request: pytest.FixtureRequest
) -> None:
    kept, dropped, kept_too = make_owner(), make_owner(), make_owner()
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(kept)
        await uow.commit()
        await uow.accounts.add_owner(dropped)
    async with uow_factory(write=True) as uow:
        await uow.accounts.add_owner(kept_too)
        await uow.commit()
        await uow.commit()  # committing nothing new is harmless
    async with uow_factory() as uow:
        assert await uow.accounts.owner_by_email(kept.email) == kept
        assert await uow.accounts.owner_by_email(dropped.email) is None
        assert await uow.accounts.owner_by_email(kept_too.email) == kept_too


async def test_read_only_unit_cannot_commit(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(RuntimeError):
            await uow.commit()


async def test_units_are_isolated_until_commit(uow_factory: UnitOfWorkFactory) -> None:
    owner = make_owner()
    async with uow_factory(write=True) as writer:
        await writer.accounts.add_owner(owner)
        async with uow_factory() as reader:
            assert await reader.accounts.owner_by_email(owner.email) is None
        await writer.commit()
    async with uow_factory() as reader:
        assert await reader.accounts.owner_by_email(owner.email) == owner


async def test_every_repository_of_the_port_is_there(uow_factory: UnitOfWorkFactory) -> None:
    """Each adapter builds exactly the repositories the port lists, each a real object."""
    async with uow_factory() as uow:
        for name in repository_names():
            repository = getattr(uow, name)
            assert type(repository).__module__.startswith("adapters.outbound."), name
    assert len(repository_names()) == len(set(repository_names())) >= 16
