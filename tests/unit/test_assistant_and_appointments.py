"""The Messenger assistant (Elite), Meta-native appointments, echoes of our own messages and
the outbox relay, against the in-process Meta sandbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from adapters.outbound.queue.in_process import InProcessJobQueue
from application.jobs.relay import OutboxRelay
from application.ports.job_queue import PROCESS_WEBHOOK_EVENT, SEND_MESSAGE
from domain.booking import BookingSource, BookingStatus
from domain.messaging import Channel, MessageStatus
from domain.salon import Tier

from .test_messaging_journey import (
    RIYA_PSID,
    advance,
    book,
    dms,
    follow_link,
    log,
    on_the_hour,
    setup_salon,
    work,
)
from .test_meta_lifecycle import GLOW, World, clock, connected, meta, w  # noqa: F401
from .test_webhook_processing import deliver, events


async def tap(w: World, kind: str, **data: Any) -> dict[str, Any]:
    got: dict[str, Any] = await w.meta.call(
        "POST", "phone", {"page_id": GLOW, "customer": "riya", "kind": kind, **data}
    )
    event: dict[str, Any] = got["event"]
    await deliver(
        w,
        {
            "object": "page",
            "entry": [{"id": GLOW, "time": event["timestamp"], "messaging": [event]}],
        },
    )
    await work(w)
    return event


async def last_replies(w: World) -> list[dict[str, str]]:
    return list((await dms(w.meta))[-1]["message"].get("quick_replies", []))


async def choose(w: World, reply: dict[str, str]) -> None:
    await tap(w, "message", text=reply["title"], quick_reply={"payload": reply["payload"]})


async def bookings(w: World) -> list[Any]:
    async with w.uow() as uow:
        return list(await uow.bookings.search(w.salon_id))


async def test_the_assistant_books_from_the_thread_and_handles_a_taken_slot(w: World) -> None:
    await w.c.use_cases.set_tier(w.salon_id, Tier.ELITE)
    await connected(w)
    s = await setup_salon(w)
    await tap(w, "message", text="Hi")
    assert [r["title"] for r in await last_replies(w)] == ["Book"]
    await tap(w, "postback", payload="BOOK")
    (service,) = await last_replies(w)
    assert service["title"] == "Haircut"
    await choose(w, service)
    days = await last_replies(w)
    await choose(w, days[-1])
    times = await last_replies(w)
    wanted = datetime.fromisoformat(times[2]["payload"].removeprefix("TIME:"))
    # Someone books that time in the widget meanwhile: the assistant offers what is free.
    await book(s, wanted, phone="+919800000001")
    await choose(w, times[2])
    assert "just taken" in (await dms(w.meta))[-1]["message"]["text"]
    alternatives = await last_replies(w)
    assert alternatives and all(r["payload"].startswith("TIME:") for r in alternatives)
    await choose(w, alternatives[0])
    assert "what name" in (await dms(w.meta))[-1]["message"]["text"]
    await tap(w, "message", text="Riya Sharma")
    assert (await dms(w.meta))[-1]["message"]["text"].startswith("Booked:")
    made = [b for b in await bookings(w) if b.source is BookingSource.MESSENGER]
    assert len(made) == 1
    assert made[0].start == datetime.fromisoformat(alternatives[0]["payload"].removeprefix("TIME:"))
    async with w.uow() as uow:
        customer = await uow.customers.get(made[0].customer_id)
        contact = await uow.contacts.get(w.salon_id, Channel.MESSENGER, RIYA_PSID)
    assert customer is not None and customer.name == "Riya Sharma" and customer.phone is None
    assert contact is not None and contact.customer_id == customer.id
    assert contact.assistant_state is None  # the conversation is over
    # Re-running the booking event (a redelivery) books nothing more.
    for event in await events(w.uow):
        await w.c.use_cases.webhook_events.process(event.id)
    assert len([b for b in await bookings(w) if b.source is BookingSource.MESSENGER]) == 1


async def test_growth_salons_get_no_assistant_replies(w: World) -> None:
    await connected(w)
    await setup_salon(w)
    await tap(w, "message", text="book")
    assert await dms(w.meta) == []
    (event,) = [e for e in await events(w.uow) if e.event.kind == "message"]
    assert event.status == "processed" and "nothing to answer" in (event.reason or "")


def appointment(
    start: datetime, status: str = "requested", booking_id: str = "mb-1"
) -> dict[str, Any]:
    return {
        "kind": "appointment",
        "booking_id": booking_id,
        "status": status,
        "start_time": int(start.timestamp()),
        "end_time": int((start + timedelta(minutes=30)).timestamp()),
    }


async def test_meta_native_appointments_create_conflict_and_cancel(w: World) -> None:
    await connected(w)
    s = await setup_salon(w)
    start = on_the_hour(w, 30)
    await tap(w, **appointment(start))
    (made,) = await bookings(w)
    assert (made.source, made.external_ref, made.start) == (
        BookingSource.MESSENGER,
        "meta:mb-1",
        start,
    )
    await tap(w, **appointment(start))  # the same appointment again: nothing new
    assert len(await bookings(w)) == 1

    taken = on_the_hour(w, 40)
    await book(s, taken, phone="+919800000002")
    await tap(w, **appointment(taken, booking_id="mb-2"))
    reply = (await dms(w.meta))[-1]["message"]
    assert "already taken" in reply["text"]
    assert reply["quick_replies"] and reply["quick_replies"][0]["payload"].startswith("TIME:")
    async with w.uow() as uow:
        alerts = [a.kind for a in await uow.alerts.alerts(w.salon_id)]
    assert "meta_appointment_conflict" in alerts
    # Tapping an offered time books it (the assistant's time step, on any plan).
    await choose(w, reply["quick_replies"][0])
    assert len([b for b in await bookings(w) if b.source is BookingSource.MESSENGER]) == 2

    await tap(w, **appointment(start, status="cancelled"))
    cancelled = next(b for b in await bookings(w) if b.external_ref == "meta:mb-1")
    assert cancelled.status is BookingStatus.CANCELLED


async def test_an_echo_of_our_message_marks_it_sent_so_it_is_not_sent_twice(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)
    (sent,) = await log(w)
    # Pretend the worker died after Meta accepted it: the row still says "sending".
    async with w.uow(write=True) as uow:
        await uow.messages.settle(
            replace(sent, status=MessageStatus.SENDING, next_attempt_at=w.clock.now())
        )
        await uow.commit()
    (dm,) = await dms(w.meta)
    echo = {
        "sender": {"id": GLOW},
        "recipient": {"id": RIYA_PSID},
        "timestamp": int(w.clock.now().timestamp() * 1000),
        "message": {"mid": dm["message_id"], "is_echo": True, "metadata": f"salonhub:{sent.id}"},
    }
    await deliver(w, {"object": "page", "entry": [{"id": GLOW, "time": 1, "messaging": [echo]}]})
    await work(w)
    (after,) = await log(w)
    assert after.status is MessageStatus.SENT and after.provider_id == dm["message_id"]
    await advance(w, timedelta(minutes=5))  # any lease is long gone
    await work(w)
    assert len(await dms(w.meta)) == 1


async def test_the_relay_dispatches_due_work_and_again_only_after_a_while(w: World) -> None:
    await w.c.use_cases.set_tier(w.salon_id, Tier.ELITE)  # so "hi" gets a reply queued
    await connected(w)
    await book(await setup_salon(w), on_the_hour(w, 50))
    now = {"t": 0.0}
    seen: list[tuple[str, str]] = []

    async def runner(kind: str, subject_id: str) -> str:
        seen.append((kind, subject_id))
        return "skipped"

    queue = InProcessJobQueue(runner)
    assert w.c.send_messages is not None
    relay = OutboxRelay(
        w.c.use_cases.webhook_events,
        w.c.send_messages,
        queue,
        redispatch_after=30,
        monotonic=lambda: now["t"],
    )
    await tap_without_work(w)
    assert await relay.run_once() == 1
    await queue.drain()
    assert [k for k, _ in seen] == [PROCESS_WEBHOOK_EVENT]
    assert await relay.run_once() == 0  # dispatched a moment ago: not again
    now["t"] = 31
    assert await relay.run_once() == 1  # still due (the runner did nothing): again
    await queue.drain()
    await w.c.use_cases.webhook_events.run_due()  # the event queues a message
    now["t"] = 62
    await relay.run_once()
    await queue.drain()
    assert SEND_MESSAGE in [k for k, _ in seen]


async def tap_without_work(w: World) -> None:
    got = await w.meta.call(
        "POST", "phone", {"page_id": GLOW, "customer": "riya", "kind": "message", "text": "hi"}
    )
    event = got["event"]
    await deliver(w, {"object": "page", "entry": [{"id": GLOW, "time": 1, "messaging": [event]}]})


async def test_a_meta_appointment_confirmed_later_or_moved_updates_the_booking(w: World) -> None:
    await connected(w)
    await w.c.use_cases.salons.update(w.owner, w.salon_id, policy={"auto_confirm": False})
    await setup_salon(w)
    start = on_the_hour(w, 40)
    await tap(w, **appointment(start, booking_id="mb-9"))
    (made,) = await bookings(w)
    assert made.status is BookingStatus.PENDING
    await tap(w, **appointment(start, status="confirmed", booking_id="mb-9"))
    (confirmed,) = await bookings(w)
    assert confirmed.status is BookingStatus.CONFIRMED
    later = start + timedelta(hours=3)
    await tap(w, **appointment(later, status="confirmed", booking_id="mb-9"))
    (moved,) = await bookings(w)
    assert (moved.id, moved.start, moved.status) == (made.id, later, BookingStatus.CONFIRMED)
