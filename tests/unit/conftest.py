from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

import pytest

from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.clock import FixedClock
from adapters.outbound.memory.metrics import InMemoryMetrics
from adapters.outbound.memory.otp_sender import InMemoryOtpSender
from application.actor import Actor
from application.use_cases import UseCases
from domain.schedule import WeeklyInterval
from entrypoints.bootstrap import MEMORY_URL, Container, bootstrap
from entrypoints.settings import Settings


@dataclass
class World:
    """A salon (Asia/Kolkata) with two services and two staff working 10:00-18:00 daily."""

    uc: UseCases
    clock: FixedClock
    otp: InMemoryOtpSender
    actor: Actor
    salon_id: str
    cut: str  # 60 min + 15 min buffer, both staff
    colour: str  # 90 min, only Asha
    asha: str
    ben: str
    metrics: InMemoryMetrics
    uow: InMemoryUnitOfWorkFactory
    c: Container

    async def texted_code(self, phone: str) -> str:
        """The code last texted to `phone`, once the OTP outbox has been relayed and sent."""
        await self.c.relay.run_once()
        await self.c.job_queue.drain()
        return self.otp.last_code(phone)


@pytest.fixture
async def world() -> World:
    # 2026-12-01 is a Tuesday; now = 10:00 IST on 2026-11-30.
    clock = FixedClock(datetime(2026, 11, 30, 4, 30, tzinfo=UTC))
    otp = InMemoryOtpSender()
    metrics = InMemoryMetrics()
    uow = InMemoryUnitOfWorkFactory()
    c = bootstrap(
        Settings(database_url=MEMORY_URL, secret_key=b"k" * 32),
        clock=clock,
        otp_sender=otp,
        metrics=metrics,
        uow=uow,
    )
    uc = c.use_cases
    made = await uc.sign_up(
        email="o@example.com", password="correct horse", salon_name="Glow", timezone="Asia/Kolkata"
    )
    actor = Actor(made.owner_id)
    sid = made.salon_id
    await uc.salons.update(actor, sid, policy={"verify_new_customers": False})
    cut = await uc.services.create(
        actor,
        sid,
        name="Cut",
        duration_minutes=60,
        price_minor=50000,
        currency="INR",
        buffer_after_minutes=15,
    )
    colour = await uc.services.create(
        actor, sid, name="Colour", duration_minutes=90, price_minor=90000, currency="INR"
    )
    week = [WeeklyInterval(d, time(10), time(18)) for d in range(7)]
    asha = await uc.staff.create(actor, sid, name="Asha", service_ids=[cut.id, colour.id])
    ben = await uc.staff.create(actor, sid, name="Ben", service_ids=[cut.id])
    for member in (asha, ben):
        await uc.staff.set_hours(actor, sid, member.id, week)
    return World(
        uc=uc,
        clock=clock,
        otp=otp,
        actor=actor,
        salon_id=sid,
        cut=cut.id,
        colour=colour.id,
        asha=asha.id,
        ben=ben.id,
        metrics=metrics,
        uow=uow,
        c=c,
    )
