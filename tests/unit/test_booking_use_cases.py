"""The booking use cases, driven through the real services over in-memory adapters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from application.actor import Actor
from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from application.booking.salon_bookings import BookingFilter
from domain.booking import BookingSource, BookingStatus
from domain.errors import (
    CancellationWindowPassed,
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    RateLimited,
    SlotUnavailable,
    ValidationFailed,
    VerificationRequired,
)

from .conftest import World

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=IST)


def request(
    w: World,
    start: datetime,
    *,
    staff: str | None = None,
    phone: str = "98765 43210",
    service: str | None = None,
    otp: str | None = None,
) -> BookRequest:
    return BookRequest(
        salon_id=w.salon_id,
        service_id=service or w.cut,
        staff_id=staff,
        start=start,
        customer=CustomerDetails("Riya", phone),
        source=BookingSource.INSTAGRAM,
        otp_token=otp,
    )


async def test_a_booking_holds_its_staff_member_and_stores_e164(world: World) -> None:
    receipt = await world.uc.book(request(world, at(2, 11), staff=world.asha))
    booking = receipt.view.booking
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.end - booking.start == timedelta(minutes=60)
    assert receipt.view.customer.phone == "+919876543210"
    _, slots = await world.uc.browse.availability(
        world.salon_id, world.cut, at(2, 0).date(), 1, world.asha
    )
    starts = {s.start.astimezone(IST).strftime("%H:%M") for s in slots}
    # Asha holds [11:00, 12:15). A 60+15 min cut at 10:00 would run into it; 12:15 touches.
    assert min(starts) == "12:15"
    _, any_staff = await world.uc.browse.availability(world.salon_id, world.cut, at(2, 0).date())
    assert {s.start for s in any_staff if world.asha not in s.staff_ids} == {
        at(2, 10, 0) + timedelta(minutes=15 * i) for i in range(9)
    }


async def test_a_taken_slot_is_refused_with_nearest_alternatives(world: World) -> None:
    await world.uc.book(request(world, at(2, 11), staff=world.asha))
    with pytest.raises(SlotUnavailable) as caught:
        await world.uc.book(request(world, at(2, 11), staff=world.asha, phone="9876543211"))
    alternatives = caught.value.alternatives
    assert 1 <= len(alternatives) <= 5
    distances = [abs(s.start - at(2, 11)) for s in alternatives]
    assert distances == sorted(distances)
    assert all(world.asha in s.staff_ids for s in alternatives)


async def test_any_staff_goes_to_the_least_busy_then_fills_up(world: World) -> None:
    first = await world.uc.book(request(world, at(2, 14), phone="9876543201"))
    second = await world.uc.book(request(world, at(2, 14), phone="9876543202"))
    assert {first.view.booking.staff_id, second.view.booking.staff_id} == {world.asha, world.ben}
    with pytest.raises(SlotUnavailable):
        await world.uc.book(request(world, at(2, 14), phone="9876543203"))
    # Asha now has one booking that day and Ben one; another booking of Ben makes Asha least busy.
    await world.uc.book(request(world, at(2, 16), staff=world.ben, phone="9876543204"))
    fourth = await world.uc.book(request(world, at(2, 10), phone="9876543205"))
    assert fourth.view.booking.staff_id == world.asha


async def test_off_grid_lead_time_and_horizon_are_not_offered(world: World) -> None:
    for start in (
        at(2, 11, 7),
        world.clock.now() + timedelta(minutes=30),
        world.clock.now() + timedelta(days=61),
    ):
        with pytest.raises(SlotUnavailable):
            await world.uc.book(request(world, start))


async def test_unqualified_staff_member_is_not_offered(world: World) -> None:
    with pytest.raises(SlotUnavailable):
        await world.uc.book(request(world, at(2, 11), staff=world.ben, service=world.colour))


async def test_new_customers_verify_their_phone_once(world: World) -> None:
    uc, sid = world.uc, world.salon_id
    await uc.salons.update(world.actor, sid, policy={"verify_new_customers": True})
    with pytest.raises(VerificationRequired):
        await uc.book(request(world, at(2, 11)))
    await uc.phone_verification.start(sid, "9876543210")
    code = await world.texted_code("+919876543210")
    token = await uc.phone_verification.verify(sid, "+91 98765 43210", code)
    await uc.book(request(world, at(2, 11), otp=token))
    # The token was single use, but the phone now has a booking: no second verification.
    await uc.book(request(world, at(3, 11), otp=token))


async def test_an_otp_token_is_bound_to_its_phone(world: World) -> None:
    uc, sid = world.uc, world.salon_id
    await uc.salons.update(world.actor, sid, policy={"verify_new_customers": True})
    await uc.phone_verification.start(sid, "9876543210")
    token = await uc.phone_verification.verify(
        sid, "9876543210", await world.texted_code("+919876543210")
    )
    with pytest.raises(VerificationRequired):
        await uc.book(request(world, at(2, 11), phone="9876543299", otp=token))


async def test_five_wrong_codes_lock_the_phone_for_fifteen_minutes(world: World) -> None:
    uc, sid = world.uc, world.salon_id
    await uc.phone_verification.start(sid, "9876543210")
    code = await world.texted_code("+919876543210")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            await uc.phone_verification.verify(sid, "9876543210", wrong)
    with pytest.raises(RateLimited) as caught:
        await uc.phone_verification.verify(sid, "9876543210", code)
    assert 0 < caught.value.retry_after_seconds <= 15 * 60
    with pytest.raises(RateLimited):
        await uc.phone_verification.start(sid, "9876543210")
    world.clock.advance(timedelta(minutes=15, seconds=1))
    await uc.phone_verification.start(sid, "9876543210")
    await uc.phone_verification.verify(sid, "9876543210", await world.texted_code("+919876543210"))


async def test_codes_expire_after_ten_minutes(world: World) -> None:
    uc, sid = world.uc, world.salon_id
    await uc.phone_verification.start(sid, "9876543210")
    code = await world.texted_code("+919876543210")
    world.clock.advance(timedelta(minutes=10))
    with pytest.raises(ValidationFailed):
        await uc.phone_verification.verify(sid, "9876543210", code)


async def test_idempotency_replays_the_first_booking_and_refuses_another_body(world: World) -> None:
    first = await world.uc.book(request(world, at(2, 11)), "key-1")
    again = await world.uc.book(request(world, at(2, 11)), "key-1")
    assert again.view.booking.id == first.view.booking.id
    assert again.manage_token == first.manage_token and again.replayed
    with pytest.raises(IdempotencyKeyReused):
        await world.uc.book(request(world, at(2, 12)), "key-1")
    world.clock.advance(timedelta(hours=24, seconds=1))
    fresh = await world.uc.book(request(world, at(3, 15)), "key-1")
    assert fresh.view.booking.id != first.view.booking.id


async def test_customer_cancels_until_the_window_then_not(world: World) -> None:
    early = await world.uc.book(request(world, at(3, 11)))
    cancelled = await world.uc.manage_booking.cancel(early.manage_token)
    assert cancelled.booking.status == BookingStatus.CANCELLED
    soon = await world.uc.book(request(world, at(1, 11)))  # 25 h away... minus lead: fine
    world.clock.set(at(1, 11).astimezone(UTC) - timedelta(hours=23))
    with pytest.raises(CancellationWindowPassed):
        await world.uc.manage_booking.cancel(soon.manage_token)
    with pytest.raises(CancellationWindowPassed):
        await world.uc.manage_booking.reschedule(soon.manage_token, at(4, 11), None)


async def test_reschedule_moves_in_place_and_may_overlap_its_own_old_time(world: World) -> None:
    made = await world.uc.book(request(world, at(3, 11), staff=world.asha))
    moved = await world.uc.manage_booking.reschedule(made.manage_token, at(3, 11, 30), None)
    assert moved.booking.id == made.view.booking.id
    assert moved.booking.start == at(3, 11, 30) and moved.booking.staff_id == world.asha
    await world.uc.book(request(world, at(3, 10), staff=world.asha, phone="9876543201"))
    blocker = await world.uc.book(request(world, at(3, 15), staff=world.asha, phone="9876543202"))
    # Asha is taken at 15:00; without a staff id the booking moves to Ben.
    moved = await world.uc.manage_booking.reschedule(made.manage_token, at(3, 15), None)
    assert moved.booking.staff_id == world.ben
    with pytest.raises(SlotUnavailable):
        await world.uc.manage_booking.reschedule(made.manage_token, at(3, 15), world.asha)
    assert blocker.view.booking.staff_id == world.asha


async def test_unknown_manage_token_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await world.uc.manage_booking.view("nope")


async def test_staff_bookings_ignore_grid_and_lead_time_but_not_hours(world: World) -> None:
    uc, a, sid = world.uc, world.actor, world.salon_id
    customer = CustomerDetails("Walk In", "9876500000")
    soon = world.clock.now() + timedelta(minutes=7)  # 10:07 IST, inside hours
    made = await uc.salon_bookings.create(
        a, sid, service_id=world.cut, staff_id=world.asha, start=soon, customer=customer
    )
    assert made.view.booking.source == BookingSource.STAFF
    with pytest.raises(SlotUnavailable):  # 17:30 + 60 min runs past 18:00
        await uc.salon_bookings.create(
            a,
            sid,
            service_id=world.cut,
            staff_id=world.asha,
            start=at(2, 17, 30),
            customer=customer,
        )
    with pytest.raises(SlotUnavailable):  # overlaps the first booking's buffer
        await uc.salon_bookings.create(
            a,
            sid,
            service_id=world.cut,
            staff_id=world.asha,
            start=soon + timedelta(minutes=70),
            customer=customer,
        )


async def test_owner_status_changes_follow_the_lifecycle(world: World) -> None:
    made = await world.uc.book(request(world, at(2, 11)))
    bid = made.view.booking.id
    done = await world.uc.salon_bookings.change_status(
        world.actor, world.salon_id, bid, BookingStatus.COMPLETED
    )
    assert done.booking.status == BookingStatus.COMPLETED
    with pytest.raises(Conflict):
        await world.uc.salon_bookings.change_status(
            world.actor, world.salon_id, bid, BookingStatus.CONFIRMED
        )
    # A completed booking no longer occupies: the slot is offered again.
    await world.uc.book(
        request(world, at(2, 11), staff=made.view.booking.staff_id, phone="9876543201")
    )


async def test_other_owners_see_nothing(world: World) -> None:
    other = await world.uc.sign_up(
        email="x@example.com", password="0123456789", salon_name="Other", timezone="UTC"
    )
    intruder = Actor(other.owner_id)
    made = await world.uc.book(request(world, at(2, 11)))
    calls = [
        world.uc.salons.get(intruder, world.salon_id),
        world.uc.services.get(intruder, world.salon_id, world.cut),
        world.uc.staff.hours(intruder, world.salon_id, world.asha),
        world.uc.salon_bookings.list(intruder, world.salon_id, BookingFilter()),
        world.uc.salon_bookings.change_status(
            intruder, world.salon_id, made.view.booking.id, BookingStatus.CANCELLED
        ),
        # Their own salon id with our service: still not found.
        world.uc.services.get(intruder, other.salon_id, world.cut),
        world.uc.staff.create(intruder, other.salon_id, name="X", service_ids=[world.cut]),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            await call


async def test_changing_a_field_that_is_not_editable_is_a_validation_error(world: World) -> None:
    """Not a ValueError (which the HTTP layer would answer with a 500): the error names the
    fields, and nothing is stored."""
    with pytest.raises(ValidationFailed) as refused:
        await world.uc.services.update(world.actor, world.salon_id, world.cut, {"salon_id": "x"})
    assert refused.value.details == {"fields": {"salon_id": "not editable"}}
    with pytest.raises(ValidationFailed) as refused:
        await world.uc.staff.update(world.actor, world.salon_id, world.asha, {"id": "x"})
    assert refused.value.details == {"fields": {"id": "not editable"}}
    service = await world.uc.services.get(world.actor, world.salon_id, world.cut)
    assert service.salon_id == world.salon_id and service.id == world.cut
