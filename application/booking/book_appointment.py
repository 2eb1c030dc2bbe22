"""A customer books a slot from the widget (Instagram, Facebook, Messenger, web...).

The slot must be offered by the exact availability rule at the moment of writing; the store
itself refuses overlaps, so racing requests for one staff member get one winner. With an
idempotency key the same request answers the same booking for 24 hours.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.audit_trail import Trail, by_customer
from application.booking.customers import CustomerDetails, normalized, upsert_customer
from application.booking.placing import by_fewest_bookings, place
from application.booking.slots import Occupancy, alternatives, offered_slots, qualified
from application.booking.views import BookingReceipt, view_of
from application.ports.clock import Clock
from application.ports.idempotency_repository import IdempotencyRecord
from application.ports.metrics import Metrics
from application.ports.phone_numbers import PhoneNumbers
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import hash_secret, new_id, new_secret
from application.tenancy import public_salon, salon_service, salon_staff
from domain.audit import diff
from domain.availability import local_date_of
from domain.booking import Booking, BookingSource, BookingStatus
from domain.errors import (
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    SlotUnavailable,
    VerificationRequired,
)
from domain.time_range import checked_instant

IDEMPOTENCY_TTL = timedelta(hours=24)
SCOPE = "book:create"


@dataclass(frozen=True, slots=True)
class BookRequest:
    salon_id: str
    service_id: str
    staff_id: str | None
    start: datetime
    customer: CustomerDetails
    source: BookingSource
    otp_token: str | None = None
    # A customer already known to the salon through their Messenger/Instagram thread (Meta
    # vouches for the person): `customer` is then ignored and no phone check applies.
    customer_id: str | None = None
    external_ref: str | None = None  # a Meta-native appointment's id

    def fingerprint(self) -> str:
        c = self.customer
        parts = (
            self.customer_id or "",
            self.salon_id,
            self.service_id,
            self.staff_id or "",
            self.start.isoformat(),
            c.name,
            c.phone,
            c.email or "",
            self.source.value,
            self.otp_token or "",
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class BookAppointment:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, phones: PhoneNumbers, metrics: Metrics
    ) -> None:
        self._uow, self._clock, self._phones, self._metrics = uow, clock, phones, metrics

    async def __call__(
        self, request: BookRequest, idempotency_key: str | None = None
    ) -> BookingReceipt:
        # Counted here, once the outcome is final: committed, replayed, or refused.
        try:
            receipt = await self._answer(request, idempotency_key)
        except SlotUnavailable:
            self._metrics.booking_conflicted(request.source.value)
            raise
        if receipt.replayed:
            self._metrics.idempotent_replay()
        else:
            self._metrics.booking_created(request.source.value)
        return receipt

    async def _answer(self, request: BookRequest, idempotency_key: str | None) -> BookingReceipt:
        if idempotency_key is None:
            return await self._book(request, None)
        fingerprint = request.fingerprint()
        replay = await self._replay(idempotency_key, fingerprint)
        if replay is not None:
            return replay
        try:
            return await self._book(request, (idempotency_key, fingerprint))
        except (Conflict, VerificationRequired):
            # A racing twin with the same key may have won: answer what it stored.
            replay = await self._replay(idempotency_key, fingerprint)
            if replay is not None:
                return replay
            raise

    async def _replay(self, key: str, fingerprint: str) -> BookingReceipt | None:
        async with self._uow() as uow:
            record = await uow.idempotency.get(SCOPE, key, self._clock.now() - IDEMPOTENCY_TTL)
            return await _receipt_from(uow, record, fingerprint) if record else None

    async def _book(self, req: BookRequest, idem: tuple[str, str] | None) -> BookingReceipt:
        now = self._clock.now()
        checked_instant(req.start, "start")
        async with self._uow(write=True) as uow:
            if idem is not None:
                record = await uow.idempotency.get(SCOPE, idem[0], now - IDEMPOTENCY_TTL)
                if record is not None:
                    return await _receipt_from(uow, record, idem[1])
            salon = await public_salon(uow, req.salon_id)
            service = await salon_service(uow, salon.id, req.service_id)
            if req.staff_id is not None:
                candidates = qualified([await salon_staff(uow, salon.id, req.staff_id)], service)
            else:
                candidates = qualified(await uow.catalog.staff(salon.id), service)
            details = None
            if req.customer_id is None:
                details = normalized(req.customer, salon, self._phones)
                if salon.policy.verify_new_customers:
                    await self._verified(uow, salon.id, details.phone, req.otp_token, now)
            occupancy = Occupancy.of(service)
            ids = [s.id for s in candidates]
            slots = await offered_slots(
                uow, salon, occupancy, ids, local_date_of(req.start, salon.zone), 1, now
            )
            free = next((s.staff_ids for s in slots if s.start == req.start), ())
            if details is not None:
                customer = await upsert_customer(uow, salon.id, details)
            else:
                known = await uow.customers.get(req.customer_id or "")
                if known is None or known.salon_id != salon.id or known.erased_at is not None:
                    raise NotFound("Customer not found.")
                customer = known
            token = new_secret()

            def make(staff_id: str) -> Booking:
                status = (
                    BookingStatus.CONFIRMED if salon.policy.auto_confirm else BookingStatus.PENDING
                )
                return Booking(
                    id=new_id(),
                    salon_id=salon.id,
                    service_id=service.id,
                    staff_id=staff_id,
                    customer_id=customer.id,
                    status=status,
                    source=req.source,
                    start=req.start,
                    end=req.start + occupancy.duration,
                    occupied_until=req.start + occupancy.duration + occupancy.buffer_after,
                    created_at=now,
                    manage_token_hash=hash_secret(token),
                    external_ref=req.external_ref,
                )

            ordered = await by_fewest_bookings(uow, salon, free, req.start)
            booking = await place(uow, ordered, make)
            if booking is None:
                raise SlotUnavailable(
                    "That time is not available.",
                    await alternatives(uow, salon, occupancy, ids, req.start, now),
                    salon.timezone,
                )
            if idem is not None:
                await uow.idempotency.add(
                    IdempotencyRecord(
                        scope=SCOPE,
                        key=idem[0],
                        fingerprint=idem[1],
                        booking_id=booking.id,
                        manage_token=token,
                        created_at=now,
                    ),
                    now - IDEMPOTENCY_TTL,
                )
            trail = Trail(uow, salon.id, by_customer(customer.id), now)
            await trail.record("booking.created", booking.id, diff(None, booking))
            view = await view_of(uow, booking, salon.timezone)
            await uow.commit()
        return BookingReceipt(view=view, manage_token=token)

    async def _verified(
        self, uow: UnitOfWork, salon_id: str, phone: str, otp_token: str | None, now: datetime
    ) -> None:
        """A new customer proves the phone (an OTP grant); called when the salon asks it."""
        existing = await uow.customers.get_by_phone(salon_id, phone)
        if existing is not None and await uow.bookings.customer_has_booking(existing.id):
            return
        if otp_token and await uow.otp.consume_grant(hash_secret(otp_token), salon_id, phone, now):
            return
        raise VerificationRequired("Please verify your phone number first.", {"phone": phone})


async def _receipt_from(
    uow: UnitOfWork, record: IdempotencyRecord, fingerprint: str
) -> BookingReceipt:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.")
    booking = await uow.bookings.get(record.booking_id)
    salon = await uow.salons.get(booking.salon_id) if booking else None
    if booking is None or salon is None:
        raise IdempotencyKeyReused("This Idempotency-Key belongs to a booking that is gone.")
    return BookingReceipt(
        view=await view_of(uow, booking, salon.timezone),
        manage_token=record.manage_token,
        replayed=True,
    )
