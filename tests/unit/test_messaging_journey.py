"""The customer's messaging journey against the built-in Meta and texting sandboxes, in
process: book → tap the Messenger link → confirmation DM → reminders by the right channel at
the right time → reschedule and cancel in Messenger; the channel rules (window, Utility
markets, consent, never a sunset tag) and exactly-once reminders."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import httpx

from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from application.actor import Actor
from application.audit_query import AuditFilter
from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from domain.booking import BookingSource, BookingStatus
from domain.messaging import Channel, MessageStatus, OutboundMessage, Purpose
from domain.salon import Tier
from domain.schedule import WeeklyInterval

from .test_meta_lifecycle import (  # noqa: F401 - fixtures
    GLOW,
    Meta,
    World,
    clock,
    connected,
    make_container,
    meta,
    w,
)
from .test_webhook_processing import deliver

RIYA_PSID = "7100000000000001"  # the sandbox's test customer on Glow's Page
RIYA_PHONE = "+919812345678"
KOLKATA = ZoneInfo("Asia/Kolkata")


@dataclass
class Salon:
    w: World
    service: str
    staff: str
    token: str = ""
    booking_id: str = ""


async def setup_salon(w: World, country_hours: int = 0) -> Salon:
    uc = w.c.use_cases
    await uc.salons.update(w.owner, w.salon_id, policy={"verify_new_customers": False})
    service = await uc.services.create(
        w.owner, w.salon_id, name="Haircut", duration_minutes=30, price_minor=50000, currency="INR"
    )
    staff = await uc.staff.create(w.owner, w.salon_id, name="Asha", service_ids=[service.id])
    week = [WeeklyInterval(d, time(0), time(23, 59)) for d in range(7)]
    await uc.staff.set_hours(w.owner, w.salon_id, staff.id, week)
    return Salon(w, service.id, staff.id)


async def book(s: Salon, start: datetime, phone: str = RIYA_PHONE) -> Salon:
    receipt = await s.w.c.use_cases.book(
        BookRequest(
            salon_id=s.w.salon_id,
            service_id=s.service,
            staff_id=None,
            start=start,
            customer=CustomerDetails(name="Riya Sharma", phone=phone),
            source=BookingSource.INSTAGRAM,
        )
    )
    s.token, s.booking_id = receipt.manage_token, receipt.view.booking.id
    return s


def on_the_hour(w: World, hours: int, zone: ZoneInfo = KOLKATA) -> datetime:
    """On an hour of the salon's clock (Glow is in India, UTC+5:30), so a 30-minute booking
    never straddles local midnight, where the staff's 00:00-23:59 hours have their one gap."""
    local = (w.clock.now() + timedelta(hours=hours)).astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


async def phone(w: World, kind: str, **data: Any) -> dict[str, Any]:
    """The sandbox's test customer acts on their phone; we deliver the event as Meta would."""
    got: dict[str, Any] = await w.meta.call(
        "POST", "phone", {"page_id": GLOW, "customer": "riya", "kind": kind, **data}
    )
    event: dict[str, Any] = got["event"]
    envelope = {
        "object": "page",
        "entry": [{"id": GLOW, "time": event["timestamp"], "messaging": [event]}],
    }
    await deliver(w, envelope)
    return event


async def work(w: World) -> None:
    """What the workers do: process due events, then send due messages."""
    await w.c.use_cases.webhook_events.run_due()
    assert w.c.send_messages is not None
    await w.c.send_messages.run_due()


async def advance(w: World, delta: timedelta) -> None:
    w.clock.advance(delta)
    await w.meta.call("POST", "clock", {"advance_seconds": int(delta.total_seconds())})


async def dms(meta: Meta) -> list[dict[str, Any]]:
    return list((await meta.sent())["messages"])


async def texts(w: World) -> list[dict[str, Any]]:
    assert w.c.texting_sandbox is not None
    transport = httpx.ASGITransport(app=w.c.texting_sandbox)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        got = await client.get("/_sandbox/messages")
    return list(got.json()["messages"])


async def log(w: World) -> list[OutboundMessage]:
    return list(await w.c.use_cases.messaging.log(w.owner, w.salon_id, 200))


async def follow_link(s: Salon) -> str:
    links = await s.w.c.use_cases.messaging.confirmation_links(s.token)
    assert links.messenger is not None and links.messenger.startswith(f"https://m.me/{GLOW}?ref=")
    assert links.instagram is not None and links.instagram.startswith("https://ig.me/m/")
    ref = unquote(parse_qs(urlsplit(links.messenger).query)["ref"][0])
    await phone(s.w, "referral", ref=ref)
    await work(s.w)
    return ref


async def test_the_whole_journey(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)

    (confirmation,) = await dms(w.meta)
    assert confirmation["recipient_id"] == RIYA_PSID
    assert confirmation["messaging_type"] == "RESPONSE" and confirmation["tag"] is None
    text = confirmation["message"]["text"]
    assert "Haircut with Asha" in text and "/book/manage/" in text
    assert [q["title"] for q in confirmation["message"]["quick_replies"]] == [
        "Reschedule",
        "Cancel",
    ]
    assert confirmation["message"]["metadata"].startswith("salonhub:")
    (logged,) = await log(w)
    assert (logged.purpose, logged.status, logged.channel) == ("confirmation", "sent", "messenger")
    assert logged.reason is not None and "reply inside the 24-hour window" in logged.reason
    manage_link = text.split("See or change it: ")[1]
    viewed = await w.c.use_cases.manage_booking.view(manage_link.rsplit("/", 1)[1])
    assert viewed.booking.id == s.booking_id  # the signed manage link in the DM works

    # 24 hours before: the window (opened 26 hours ago) is closed; India has no Utility
    # Messages, so the reminder goes by SMS.
    await advance(w, timedelta(hours=26))
    assert w.c.reminders is not None
    assert await w.c.reminders.run() == 1
    assert await w.c.reminders.run() == 0  # exactly once, however often the job runs
    await work(w)
    assert len(await dms(w.meta)) == 1  # no DM outside the window
    (sms,) = await texts(w)
    assert sms["to"] == RIYA_PHONE and "tomorrow" in sms["body"]
    reminder = next(m for m in await log(w) if m.purpose == "reminder_24h")
    assert reminder.channel == "sms" and "Utility Messages are not available in IN" in (
        reminder.reason or ""
    )

    # The customer writes 20 hours later: the window is open again, so the 2-hour reminder
    # is a DM (an UPDATE, never a tag).
    await advance(w, timedelta(hours=20))
    await phone(w, "message", text="See you soon")
    await work(w)
    await advance(w, timedelta(hours=2, minutes=1))
    assert await w.c.reminders.run() == 1
    await work(w)
    last = (await dms(w.meta))[-1]
    assert last["messaging_type"] == "UPDATE" and last["tag"] is None
    assert "today" in last["message"]["text"]
    assert len(await texts(w)) == 1
    assert all(m["tag"] is None for m in await dms(w.meta))


async def test_reschedule_and_cancel_from_messenger(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)
    await phone(w, "postback", payload=f"MANAGE:RESCHEDULE:{s.booking_id}")
    await work(w)
    days = (await dms(w.meta))[-1]["message"]["quick_replies"]
    assert days and all(q["payload"].startswith("DAY:") for q in days)
    await phone(w, "message", text=days[-1]["title"], quick_reply={"payload": days[-1]["payload"]})
    await work(w)
    times = (await dms(w.meta))[-1]["message"]["quick_replies"]
    pick = times[3]
    await phone(w, "message", text=pick["title"], quick_reply={"payload": pick["payload"]})
    await work(w)
    moved = await w.c.use_cases.manage_booking.view(s.token)
    assert moved.booking.start == datetime.fromisoformat(pick["payload"].removeprefix("TIME:"))
    assert "moved to" in (await dms(w.meta))[-1]["message"]["text"]
    # The salon sees who did it in its audit log.
    entries = await audit_actions(w)
    assert ("booking.rescheduled", "customer") in entries

    await phone(w, "postback", payload=f"MANAGE:CANCEL:{s.booking_id}")
    await work(w)
    yes = (await dms(w.meta))[-1]["message"]["quick_replies"][0]
    assert yes["payload"] == f"MANAGE:CANCEL_YES:{s.booking_id}"
    await phone(w, "message", text="Yes, cancel", quick_reply={"payload": yes["payload"]})
    await work(w)
    assert (await w.c.use_cases.manage_booking.view(s.token)).booking.status is (
        BookingStatus.CANCELLED
    )
    assert ("booking.cancelled", "customer") in await audit_actions(w)


async def audit_actions(w: World) -> list[tuple[str, str]]:
    view = await w.c.use_cases.audit.search(w.owner, w.salon_id, AuditFilter(limit=200))
    return [(e.action, e.actor_type.value) for e in view.page.items]


async def test_a_us_salon_reminds_by_utility_message_outside_the_window(
    meta: Meta, clock: Any
) -> None:
    uow = InMemoryUnitOfWorkFactory()
    c = make_container(meta, uow, clock, (os.urandom(32),))
    made = await c.use_cases.sign_up(
        email="us@example.com",
        password="correct horse",
        salon_name="Glow NYC",
        timezone="America/New_York",
        country="US",
    )
    await c.use_cases.set_tier(made.salon_id, Tier.GROWTH)
    world = World(c, clock, uow, meta, Actor(made.owner_id), made.salon_id)
    await connected(world)
    start = on_the_hour(world, 50, ZoneInfo("America/New_York"))
    s = await book(await setup_salon(world), start, phone="+12125550123")
    await follow_link(s)
    await advance(world, timedelta(hours=26))
    assert world.c.reminders is not None
    await world.c.reminders.run()
    await work(world)
    utility = (await dms(meta))[-1]
    assert utility["messaging_type"] == "UTILITY" and utility["tag"] is None
    payload = utility["message"]["attachment"]["payload"]
    assert payload["template_name"] == "appointment_reminder"
    assert await texts(world) == []
    reminder = next(m for m in await log(world) if m.purpose == "reminder_24h")
    assert reminder.channel == "utility" and "allowed in US" in (reminder.reason or "")


async def test_stop_means_no_dms_but_the_acknowledgement(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 25))
    await follow_link(s)
    await phone(w, "message", text="STOP")
    await work(w)
    ack = (await dms(w.meta))[-1]["message"]["text"]
    assert "won't message you here" in ack
    # The window is open, but the customer opted out of Messenger: the reminder goes by SMS.
    await advance(w, timedelta(hours=1, minutes=1))
    assert w.c.reminders is not None
    await w.c.reminders.run()
    await work(w)
    assert len(await dms(w.meta)) == 2
    assert len(await texts(w)) == 1


async def test_a_reminder_is_dropped_once_the_appointment_started(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 3))
    await advance(w, timedelta(hours=1, minutes=30))
    assert w.c.reminders is not None
    assert await w.c.reminders.run() == 1  # the 2-hour reminder (the booking is too new for 24 h)
    await w.meta.fail("server_error", status=503)
    # Meta and SMS are down... SMS is the channel here (no window): break it too.
    assert w.c.texting_sandbox is not None
    transport = httpx.ASGITransport(app=w.c.texting_sandbox)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        await client.post("/_sandbox/failures", json={"status": 503, "times": 100})
    await work(w)
    (queued,) = await log(w)
    assert queued.status == MessageStatus.QUEUED and queued.attempts == 1
    await advance(w, timedelta(hours=2))  # the appointment has started
    await work(w)
    (dropped,) = await log(w)
    assert dropped.status == MessageStatus.DROPPED and "appointment has started" in (
        dropped.reason or ""
    )
    assert s.booking_id == dropped.booking_id


async def test_racing_workers_send_a_reminder_once(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)
    await advance(w, timedelta(hours=26))
    await asyncio.gather(*(w.c.reminders.run() for _ in range(5)))
    await asyncio.gather(*(w.c.send_messages.run_due() for _ in range(5)))
    assert len(await texts(w)) == 1
    assert [m.purpose for m in await log(w)].count(Purpose.REMINDER_24H) == 1


async def test_the_salon_cancelling_tells_the_customer_on_the_open_channel(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)
    await w.c.use_cases.salon_bookings.change_status(
        w.owner, w.salon_id, s.booking_id, BookingStatus.CANCELLED
    )
    await work(w)
    last = (await dms(w.meta))[-1]
    assert "is cancelled" in last["message"]["text"] and last["messaging_type"] == "UPDATE"
    notice = next(m for m in await log(w) if m.purpose == "cancelled")
    assert (notice.status, notice.channel) == ("sent", "messenger")
    # Cancelling again changes nothing and tells nobody twice.
    await w.c.use_cases.salon_bookings.change_status(
        w.owner, w.salon_id, s.booking_id, BookingStatus.CANCELLED
    )
    await work(w)
    assert [m.purpose for m in await log(w)].count(Purpose.CANCELLED) == 1


async def test_the_salon_moving_a_booking_tells_the_customer(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)
    later = on_the_hour(w, 52)
    moved = await w.c.use_cases.salon_bookings.move(w.owner, w.salon_id, s.booking_id, start=later)
    assert moved.booking.start == later
    await work(w)
    last = (await dms(w.meta))[-1]["message"]["text"]
    assert "moved your Haircut with Asha" in last
    notice = next(m for m in await log(w) if m.purpose == "rescheduled")
    assert (notice.status, notice.channel) == ("sent", "messenger")
    assert ("booking.rescheduled", "owner") in await audit_actions(w)


async def test_a_reminder_queued_before_a_move_is_dropped_and_every_move_is_news(
    w: World,
) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 50))
    await follow_link(s)
    await advance(w, timedelta(hours=26))
    assert w.c.reminders is not None
    assert await w.c.reminders.run() == 1  # queued for the old time, not yet sent
    first = s.w.c.use_cases.salon_bookings
    old_start = on_the_hour(w, 24)
    await first.move(w.owner, w.salon_id, s.booking_id, start=old_start + timedelta(days=3))
    await first.move(w.owner, w.salon_id, s.booking_id, start=old_start + timedelta(days=4))
    await first.move(w.owner, w.salon_id, s.booking_id, start=old_start + timedelta(days=3))
    await work(w)
    by_purpose = [(m.purpose.value, m.status.value) for m in await log(w)]
    assert ("reminder_24h", "dropped") in by_purpose  # it would have named the wrong day
    notices = [status for purpose, status in by_purpose if purpose == "rescheduled"]
    assert sorted(notices) == ["dropped", "dropped", "sent"]  # every move queued; the latest went
    assert all(t["body"].find("tomorrow") == -1 for t in await texts(w))


async def test_a_page_made_change_does_not_open_the_customers_window(w: World) -> None:
    await connected(w)
    await book(await setup_salon(w), on_the_hour(w, 80))
    await phone(w, "message", text="hi")
    await work(w)
    await advance(w, timedelta(hours=30))
    echo = {
        "sender": {"id": GLOW},
        "recipient": {"id": RIYA_PSID},
        "timestamp": int(w.clock.now().timestamp() * 1000),
        "message": {
            "mid": "m.page-made",
            "is_echo": True,
            "attachments": [
                {
                    "type": "appointment_booking",
                    "payload": {"booking_id": "mb-x", "status": "cancelled"},
                }
            ],
        },
    }
    await deliver(w, {"object": "page", "entry": [{"id": GLOW, "time": 1, "messaging": [echo]}]})
    await work(w)
    async with w.uow() as uow:
        contact = await uow.contacts.get(w.salon_id, Channel.MESSENGER, RIYA_PSID)
    assert contact is not None and not contact.window_open(w.clock.now())


async def test_a_dm_meta_refuses_goes_by_the_next_channel_at_once(w: World) -> None:
    await connected(w)
    s = await book(await setup_salon(w), on_the_hour(w, 3))
    await follow_link(s)  # the window opens, on both sides
    # Meta's clock runs ahead: to Meta the window has closed while ours still says open.
    await w.meta.call("POST", "clock", {"advance_seconds": 25 * 3600})
    w.clock.advance(timedelta(hours=1, minutes=1))
    assert w.c.reminders is not None
    assert await w.c.reminders.run() == 1
    await work(w)  # the DM is refused (code 10, outside the window)...
    await work(w)  # ...so the reminder goes by SMS
    (sms,) = await texts(w)
    assert sms["to"] == RIYA_PHONE and "today" in sms["body"]
    reminder = next(m for m in await log(w) if m.purpose == "reminder_2h")
    assert (reminder.status, reminder.channel) == ("sent", "sms")
    assert reminder.details["refused"] == ["messenger"]
    assert len(await dms(w.meta)) == 1  # only the confirmation went by DM
