"""Contract: OtpRepository — one challenge per (salon, phone), single-use expiring grants."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.otp import OtpChallenge, OtpGrant

from .builders import IST, add_salon, at

PHONE = "+919876543210"


async def save(uow_factory: UnitOfWorkFactory, challenge: OtpChallenge) -> None:
    async with uow_factory(write=True) as uow:
        await uow.otp.save_challenge(challenge)
        await uow.commit()


async def add_grant(uow_factory: UnitOfWorkFactory, grant: OtpGrant) -> None:
    async with uow_factory(write=True) as uow:
        await uow.otp.add_grant(grant)
        await uow.commit()


async def consume(
    uow_factory: UnitOfWorkFactory, token: str, salon_id: str, phone: str, minutes: int
) -> bool:
    async with uow_factory(write=True) as uow:
        consumed = await uow.otp.consume_grant(token, salon_id, phone, at(minutes))
        await uow.commit()
    return consumed


async def test_challenge_round_trip_and_replace(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    challenge = OtpChallenge(
        salon_id=salon.id,
        phone=PHONE,
        code_hash="h1",
        expires_at=at(10).astimezone(IST),
        failed_attempts=0,
        locked_until=None,
    )
    async with uow_factory() as uow:
        assert await uow.otp.challenge(salon.id, PHONE) is None
    await save(uow_factory, challenge)
    other_phone = replace(challenge, phone="+919800000000", code_hash="h2")
    await save(uow_factory, other_phone)
    async with uow_factory() as uow:
        assert await uow.otp.challenge(salon.id, PHONE) == challenge
        assert await uow.otp.challenge(salon.id, other_phone.phone) == other_phone
    locked = challenge.after_wrong_try(at(1))
    for _ in range(4):
        locked = locked.after_wrong_try(at(2))
    assert locked.locked_until is not None
    await save(uow_factory, locked)
    async with uow_factory() as uow:
        assert await uow.otp.challenge(salon.id, PHONE) == locked
    fresh = replace(challenge, code_hash="h3", expires_at=at(40))
    await save(uow_factory, fresh)
    async with uow_factory() as uow:
        assert await uow.otp.challenge(salon.id, PHONE) == fresh


async def test_a_grant_is_consumed_once(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await add_grant(uow_factory, OtpGrant("t1", salon.id, PHONE, at(30).astimezone(IST)))
    assert await consume(uow_factory, "t1", salon.id, PHONE, 0)
    assert not await consume(uow_factory, "t1", salon.id, PHONE, 0)
    assert not await consume(uow_factory, "unknown", salon.id, PHONE, 0)


async def test_a_grant_checks_salon_phone_and_expiry(uow_factory: UnitOfWorkFactory) -> None:
    salon, other = await add_salon(uow_factory), await add_salon(uow_factory)
    await add_grant(uow_factory, OtpGrant("t2", salon.id, PHONE, at(30)))
    assert not await consume(uow_factory, "t2", other.id, PHONE, 0)
    assert not await consume(uow_factory, "t2", salon.id, "+919800000000", 0)
    assert not await consume(uow_factory, "t2", salon.id, PHONE, 30)  # expires_at is exclusive
    assert not await consume(uow_factory, "t2", salon.id, PHONE, 31)
    assert await consume(uow_factory, "t2", salon.id, PHONE, 29)  # the misses left it intact


async def test_consuming_without_commit_keeps_the_grant(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await add_grant(uow_factory, OtpGrant("t3", salon.id, PHONE, at(30)))
    async with uow_factory(write=True) as uow:
        assert await uow.otp.consume_grant("t3", salon.id, PHONE, at(0))
        assert not await uow.otp.consume_grant("t3", salon.id, PHONE, at(0))
    assert await consume(uow_factory, "t3", salon.id, PHONE, 0)


async def test_concurrent_consumers_win_at_most_once(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    await add_grant(uow_factory, OtpGrant("t4", salon.id, PHONE, at(30)))
    results = await asyncio.gather(
        *(consume(uow_factory, "t4", salon.id, PHONE, 0) for _ in range(10))
    )
    assert sorted(results) == [False] * 9 + [True]
