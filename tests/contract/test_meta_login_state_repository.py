"""Contract: MetaLoginStateRepository — a login state is consumed once, even when racing."""

from __future__ import annotations

import asyncio

from application.ports.meta_login_state_repository import OAuthState
from application.ports.unit_of_work import UnitOfWorkFactory

from .builders import IST, at, new_id


def state(nonce: str | None = None, expires_minutes: int = 10) -> OAuthState:
    return OAuthState(nonce or new_id(), new_id(), new_id(), at(expires_minutes).astimezone(IST))


async def consume(uow_factory: UnitOfWorkFactory, nonce: str, minutes: int) -> OAuthState | None:
    async with uow_factory(write=True) as uow:
        found = await uow.meta_states.consume_state(nonce, at(minutes))
        await uow.commit()
        return found


async def add_state(uow_factory: UnitOfWorkFactory, item: OAuthState) -> None:
    async with uow_factory(write=True) as uow:
        await uow.meta_states.add_state(item)
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
        assert await uow.meta_states.consume_state(uncommitted.nonce, at(0)) == uncommitted
    assert await consume(uow_factory, uncommitted.nonce, 0) == uncommitted  # rolled back


async def test_racing_consumers_have_one_winner(uow_factory: UnitOfWorkFactory) -> None:
    item = state()
    await add_state(uow_factory, item)
    results = await asyncio.gather(*(consume(uow_factory, item.nonce, 0) for _ in range(10)))
    assert [r for r in results if r is not None] == [item]
