"""OTP codes leave through the outbox: written with the challenge, texted after commit, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from application.ports.otp_sender import OtpSender
from application.ports.text_messages import TextMessageError
from application.verification.send_codes import SendOtpCodes
from domain.errors import ValidationFailed
from domain.otp import OtpDelivery

from .conftest import World

PHONE = "+919876543210"


class FlakySender(OtpSender):
    """Fails with the given errors in turn, then delivers."""

    def __init__(self, *failures: Exception) -> None:
        self.failures, self.sent = list(failures), list[str]()

    async def send(self, salon_id: str, phone: str, code: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(code)


async def pending(world: World) -> list[str]:
    async with world.uow() as uow:
        return await uow.otp.due_deliveries(world.clock.now() + timedelta(hours=1), 10)


async def test_the_code_is_not_texted_inside_the_request_but_by_the_relay(world: World) -> None:
    await world.uc.phone_verification.start(world.salon_id, "9876543210")
    assert world.otp.sent == [] and len(await pending(world)) == 1
    code = await world.texted_code(PHONE)
    assert len(code) == 6 and world.otp.sent == [(world.salon_id, PHONE, code)]
    assert await pending(world) == []
    await world.c.relay.run_once()  # nothing left: nothing texted twice
    await world.c.job_queue.drain()
    assert len(world.otp.sent) == 1


async def test_a_refused_start_leaves_nothing_to_text(world: World) -> None:
    with pytest.raises(ValidationFailed):
        await world.uc.phone_verification.start(world.salon_id, "12")
    assert await pending(world) == []


async def test_racing_workers_text_a_code_once(world: World) -> None:
    await world.uc.phone_verification.start(world.salon_id, "9876543210")
    [delivery_id] = await pending(world)
    results = await asyncio.gather(*(world.c.jobs.run("send_otp", delivery_id) for _ in range(5)))
    assert sorted(results) == ["gone"] * 4 + ["sent"] and len(world.otp.sent) == 1


async def test_a_transient_failure_is_retried_after_a_delay(world: World) -> None:
    sender = FlakySender(TextMessageError("busy", permanent=False), ConnectionError("reset"))
    codes = SendOtpCodes(world.uow, world.clock, sender)
    await world.uc.phone_verification.start(world.salon_id, "9876543210")
    [first] = await codes.due_ids()
    assert await codes.send(first) == "retry"
    assert await codes.due_ids() == []  # not before its delay
    world.clock.advance(timedelta(seconds=5))
    [second] = await codes.due_ids()
    with pytest.raises(ConnectionError):  # an unexpected error is rescheduled, then raised
        await codes.send(second)
    world.clock.advance(timedelta(seconds=10))
    [third] = await codes.due_ids()
    assert await codes.send(third) == "sent" and len(sender.sent) == 1


async def test_a_permanent_failure_or_an_expired_code_is_dropped(world: World) -> None:
    sender = FlakySender(TextMessageError("bad number", permanent=True))
    codes = SendOtpCodes(world.uow, world.clock, sender)
    await world.uc.phone_verification.start(world.salon_id, "9876543210")
    [refused] = await codes.due_ids()
    assert await codes.send(refused) == "dropped" and await codes.due_ids() == []
    await world.uc.phone_verification.start(world.salon_id, "9876543210")
    world.clock.advance(timedelta(minutes=10))  # the worker was down past the code's life
    [stale] = await codes.due_ids()
    assert await codes.send(stale) == "dropped" and sender.sent == []


def test_retries_stop_after_three_attempts_or_before_the_code_expires() -> None:
    now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def made(expires_in: timedelta) -> OtpDelivery:
        return OtpDelivery("d1", "s1", PHONE, "123456", due_at=now, expires_at=now + expires_in)

    first = made(timedelta(minutes=10)).after_failed_send(now)
    assert first is not None and first.attempts == 1 and first.due_at == now + timedelta(seconds=5)
    second = first.after_failed_send(now)
    assert second is not None and second.due_at == now + timedelta(seconds=10)
    assert second.after_failed_send(now) is None
    assert made(timedelta(seconds=4)).after_failed_send(now) is None
