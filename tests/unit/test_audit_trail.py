"""The audit trail the use cases leave, read back through the owner's audit query."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from application.actor import Actor
from application.audit_query import AuditFilter
from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from application.request_context import request_scope
from domain.audit import (
    ActorType,
    AuditEntry,
    EntityType,
    changed,
    decode_cursor,
    diff,
    encode_cursor,
    json_value,
)
from domain.booking import BookingSource, BookingStatus
from domain.errors import NotFound, SlotUnavailable, ValidationFailed, VerificationRequired
from domain.salon import Salon, Tier
from domain.schedule import WeeklyInterval

from .conftest import World

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=IST)


def utc_iso(instant: datetime) -> str:
    return instant.astimezone(ZoneInfo("UTC")).isoformat()


def widget_request(w: World, start: datetime, phone: str = "98765 43210") -> BookRequest:
    return BookRequest(
        salon_id=w.salon_id,
        service_id=w.cut,
        staff_id=w.asha,
        start=start,
        customer=CustomerDetails("Riya", phone),
        source=BookingSource.INSTAGRAM,
    )


async def entries(w: World, **filters: Any) -> list[AuditEntry]:
    """Every entry of the world's salon, newest first."""
    view = await w.uc.audit.search(w.actor, w.salon_id, AuditFilter(limit=200, **filters))
    return list(view.page.items)


async def bookings_log(w: World) -> list[AuditEntry]:
    return await entries(w, entity_type=EntityType.BOOKING)


async def test_a_bookings_life_says_who_did_what(world: World) -> None:
    w = world
    await w.uc.salons.update(w.actor, w.salon_id, policy={"auto_confirm": False})
    with request_scope("req-book"):
        receipt = await w.uc.book(widget_request(w, at(2, 11)))
    booking = receipt.view.booking
    customer_id = receipt.view.customer.id
    w.clock.advance(timedelta(minutes=1))
    with request_scope("req-confirm"):
        await w.uc.salon_bookings.change_status(
            w.actor, w.salon_id, booking.id, BookingStatus.CONFIRMED
        )
    w.clock.advance(timedelta(minutes=1))
    await w.uc.manage_booking.reschedule(receipt.manage_token, at(2, 14), None)
    w.clock.advance(timedelta(minutes=1))
    await w.uc.manage_booking.cancel(receipt.manage_token)

    created, confirmed, moved, cancelled = reversed(await bookings_log(w))
    assert {e.entity_id for e in (created, confirmed, moved, cancelled)} == {booking.id}
    assert [e.action for e in (created, confirmed, moved, cancelled)] == [
        "booking.created",
        "booking.status_changed",
        "booking.rescheduled",
        "booking.cancelled",
    ]
    assert (created.actor_type, created.actor_id) == (ActorType.CUSTOMER, customer_id)
    assert created.request_id == "req-book"
    assert created.changes == {
        "service_id": (None, w.cut),
        "staff_id": (None, w.asha),
        "customer_id": (None, customer_id),
        "status": (None, "pending"),
        "source": (None, "instagram"),
        "start": (None, utc_iso(at(2, 11))),
        "end": (None, utc_iso(at(2, 12))),
        "occupied_until": (None, utc_iso(at(2, 12, 15))),
    }
    assert (confirmed.actor_type, confirmed.actor_id) == (ActorType.OWNER, w.actor.owner_id)
    assert confirmed.changes == {"status": ("pending", "confirmed")}
    assert confirmed.request_id == "req-confirm"
    assert (moved.actor_type, moved.actor_id) == (ActorType.CUSTOMER, customer_id)
    assert moved.changes == {
        "start": (utc_iso(at(2, 11)), utc_iso(at(2, 14))),
        "end": (utc_iso(at(2, 12)), utc_iso(at(2, 15))),
        "occupied_until": (utc_iso(at(2, 12, 15)), utc_iso(at(2, 15, 15))),
    }
    assert moved.request_id is None  # no request scope around that call
    assert (cancelled.actor_type, cancelled.actor_id) == (ActorType.CUSTOMER, customer_id)
    assert cancelled.changes == {"status": ("confirmed", "cancelled")}
    assert [e.at for e in (created, confirmed, moved, cancelled)] == [
        w.clock.now() - timedelta(minutes=n) for n in (3, 2, 1, 0)
    ]


async def test_a_staff_booking_is_created_by_the_owner(world: World) -> None:
    w = world
    receipt = await w.uc.salon_bookings.create(
        w.actor,
        w.salon_id,
        service_id=w.cut,
        staff_id=w.ben,
        start=at(2, 10, 5),
        customer=CustomerDetails("Walk-in", "9876500000"),
    )
    [entry] = await bookings_log(w)
    assert (entry.action, entry.actor_type, entry.actor_id) == (
        "booking.created",
        ActorType.OWNER,
        w.actor.owner_id,
    )
    assert entry.entity_id == receipt.view.booking.id
    assert entry.changes["source"] == (None, "staff")


async def test_a_failed_booking_writes_nothing(world: World) -> None:
    w = world
    await w.uc.book(widget_request(w, at(2, 11)))
    before = await entries(w)
    with pytest.raises(SlotUnavailable):
        await w.uc.book(widget_request(w, at(2, 11), phone="9876543211"))
    with pytest.raises(SlotUnavailable):
        await w.uc.book(widget_request(w, at(2, 11, 7), phone="9876543212"))  # off the grid
    assert await entries(w) == before
    await w.uc.salons.update(w.actor, w.salon_id, policy={"verify_new_customers": True})
    before = await entries(w)
    with pytest.raises(VerificationRequired):
        await w.uc.book(widget_request(w, at(2, 15), phone="9876543213"))
    assert await entries(w) == before
    assert len(await bookings_log(w)) == 1


async def test_no_op_writes_leave_no_trace(world: World) -> None:
    w = world
    before = await entries(w)
    await w.uc.services.update(w.actor, w.salon_id, w.cut, {"price_minor": 50000})
    await w.uc.salons.update(w.actor, w.salon_id, name="Glow")
    week = [WeeklyInterval(d, time(10), time(18)) for d in range(7)]
    await w.uc.staff.set_hours(w.actor, w.salon_id, w.asha, week)
    assert await entries(w) == before


async def test_admin_writes_record_only_the_changed_fields(world: World) -> None:
    w = world
    with request_scope("req-admin"):
        await w.uc.services.update(
            w.actor, w.salon_id, w.cut, {"price_minor": 60000, "name": "Cut"}
        )
        await w.uc.salons.update(
            w.actor, w.salon_id, name="Glow 2", policy={"slot_step_minutes": 30}
        )
        await w.uc.staff.update(w.actor, w.salon_id, w.ben, {"service_ids": [w.cut, w.colour]})
        await w.uc.staff.set_hours(
            w.actor, w.salon_id, w.ben, [WeeklyInterval(0, time(9), time(13, 30))]
        )
        off = await w.uc.staff.add_time_off(
            w.actor, w.salon_id, w.ben, start=at(3, 10), end=at(3, 12), reason="dentist"
        )
        await w.uc.staff.remove_time_off(w.actor, w.salon_id, w.ben, off.id)
        await w.uc.services.deactivate(w.actor, w.salon_id, w.colour)
        location = await w.uc.salons.add_location(w.actor, w.salon_id, name="Juhu")
    scoped = [e for e in await entries(w) if e.request_id == "req-admin"]
    assert len(scoped) == 8
    assert {(e.actor_type, e.actor_id) for e in scoped} == {(ActorType.OWNER, w.actor.owner_id)}
    found = {(e.action, e.entity_id): e for e in scoped}
    assert found["service.updated", w.cut].changes == {"price_minor": (50000, 60000)}
    assert found["salon.updated", w.salon_id].changes == {
        "name": ("Glow", "Glow 2"),
        "policy.slot_step_minutes": (15, 30),
    }
    assert found["staff.updated", w.ben].changes == {"service_ids": ([w.cut], [w.cut, w.colour])}
    assert found["staff.hours_set", w.ben].changes == {
        "weekly": ([[d, "10:00", "18:00"] for d in range(7)], [[0, "09:00", "13:30"]])
    }
    assert found["time_off.added", off.id].changes == {
        "staff_id": (None, w.ben),
        "start": (None, utc_iso(at(3, 10))),
        "end": (None, utc_iso(at(3, 12))),
        "reason": (None, "dentist"),
    }
    assert found["time_off.removed", off.id].changes == {
        "staff_id": (w.ben, None),
        "start": (utc_iso(at(3, 10)), None),
        "end": (utc_iso(at(3, 12)), None),
        "reason": ("dentist", None),
    }
    assert found["service.updated", w.colour].changes == {"active": (True, False)}
    assert found["location.added", location.id].changes == {"name": (None, "Juhu")}
    assert found["time_off.removed", off.id].entity_type == EntityType.TIME_OFF


async def test_sign_up_records_the_salon_and_the_operator_records_tiers(world: World) -> None:
    w = world
    [created] = [e for e in await entries(w) if e.action == "salon.created"]
    assert (created.actor_type, created.actor_id) == (ActorType.OWNER, w.actor.owner_id)
    assert created.changes["name"] == (None, "Glow")
    assert created.changes["tier"] == (None, "free")
    await w.uc.set_tier(w.salon_id, Tier.GROWTH, operator="ops@example")
    await w.uc.set_tier(w.salon_id, Tier.GROWTH)  # no change, no entry
    [tier] = [e for e in await entries(w) if e.action == "salon.tier_changed"]
    assert (tier.actor_type, tier.actor_id) == (ActorType.OPERATOR, "ops@example")
    assert tier.changes == {"tier": ("free", "growth")}


async def test_the_query_filters_and_pages(world: World) -> None:
    w = world
    for hour in (11, 13, 15):
        await w.uc.book(widget_request(w, at(2, hour), phone=f"98765432{hour}"))
        w.clock.advance(timedelta(minutes=5))
    everything = await entries(w)
    first = await w.uc.audit.search(w.actor, w.salon_id, AuditFilter(limit=2))
    assert first.timezone == "Asia/Kolkata"
    assert list(first.page.items) == everything[:2] and first.page.next_cursor
    rest = await w.uc.audit.search(
        w.actor, w.salon_id, AuditFilter(limit=200, cursor=first.page.next_cursor)
    )
    assert list(rest.page.items) == everything[2:] and rest.page.next_cursor is None
    recent = await entries(w, start_from=w.clock.now() - timedelta(minutes=10))
    assert [e.action for e in recent] == ["booking.created", "booking.created"]


async def test_only_the_owner_reads_the_log_and_bad_filters_are_refused(world: World) -> None:
    w = world
    with pytest.raises(NotFound):
        await w.uc.audit.search(Actor("someone-else"), w.salon_id, AuditFilter())
    for bad in (
        AuditFilter(limit=0),
        AuditFilter(limit=201),
        AuditFilter(cursor="nonsense"),
        AuditFilter(start_from=at(3, 0), start_to=at(2, 0)),
        AuditFilter(start_from=datetime(2026, 12, 1)),  # naive
    ):
        with pytest.raises(ValidationFailed):
            await w.uc.audit.search(w.actor, w.salon_id, bad)


def test_diff_keeps_changed_fields_only_in_json_values() -> None:
    salon = Salon(
        id="s1",
        owner_id="o1",
        name="Glow",
        slug="glow",
        timezone="UTC",
        country="IN",
        tier=Tier.FREE,
    )
    renamed = replace(salon, name="Glow 2", policy=replace(salon.policy, auto_confirm=False))
    assert diff(salon, renamed) == {
        "name": ("Glow", "Glow 2"),
        "policy.auto_confirm": (True, False),
    }
    assert diff(salon, salon) == {}
    created = diff(None, salon)
    assert created["tier"] == (None, "free") and created["policy.horizon_days"] == (None, 60)
    assert "created_at" not in created  # None before and after: no change
    assert changed("weekly", [], [WeeklyInterval(6, time(9, 30), time(12))]) == {
        "weekly": ([], [[6, "09:30", "12:00"]])
    }
    assert json_value(at(1, 10)) == "2026-12-01T04:30:00+00:00"
    assert json_value(frozenset({"b", "a"})) == ["a", "b"]


def test_a_cursor_round_trips_and_garbage_is_refused() -> None:
    instant = at(1, 10, 15).replace(microsecond=123456)
    assert decode_cursor(encode_cursor(instant, "abc-123")) == (instant, "abc-123")
    for garbage in ("", "%%%", encode_cursor(instant, "bad id"), "QQ"):
        with pytest.raises(ValidationFailed):
            decode_cursor(garbage)
