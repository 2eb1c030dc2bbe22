"""In-memory repositories over a MemoryState (the transaction's working copy)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from application.ports.account_repository import AccountRepository
from application.ports.booking_repository import BookingRepository
from application.ports.catalog_repository import CatalogRepository
from application.ports.customer_repository import CustomerRepository
from application.ports.idempotency_repository import IdempotencyRecord, IdempotencyRepository
from application.ports.otp_repository import OtpRepository
from application.ports.salon_repository import SalonRepository
from application.ports.schedule_repository import ScheduleRepository
from domain.accounts import Owner
from domain.booking import Booking, BookingSource, BookingStatus, Customer
from domain.catalog import Service, Staff
from domain.errors import Conflict, SlotUnavailable
from domain.intervals import Interval
from domain.otp import OtpChallenge, OtpGrant
from domain.salon import Location, Salon
from domain.schedule import TimeOff, WeeklyInterval

from .store import MemoryState


class InMemorySalonRepository(SalonRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add(self, salon: Salon) -> None:
        if await self.slug_taken(salon.slug):
            raise Conflict("That slug is taken.")
        self._s.salons[salon.id] = salon

    async def update(self, salon: Salon) -> None:
        self._s.salons[salon.id] = salon

    async def get(self, salon_id: str) -> Salon | None:
        return self._s.salons.get(salon_id)

    async def get_by_slug(self, slug: str) -> Salon | None:
        return next((s for s in self._s.salons.values() if s.slug == slug), None)

    async def slug_taken(self, slug: str) -> bool:
        return any(s.slug == slug for s in self._s.salons.values())

    async def owned_by(self, owner_id: str) -> Sequence[Salon]:
        mine = [s for s in self._s.salons.values() if s.owner_id == owner_id]
        return sorted(mine, key=lambda s: (s.created_at or datetime.min.replace(tzinfo=UTC), s.id))

    async def add_location(self, location: Location) -> None:
        self._s.locations[location.id] = location

    async def locations(self, salon_id: str) -> Sequence[Location]:
        return [loc for loc in self._s.locations.values() if loc.salon_id == salon_id]


class InMemoryCatalogRepository(CatalogRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_service(self, service: Service) -> None:
        self._s.services[service.id] = service

    async def update_service(self, service: Service) -> None:
        self._s.services[service.id] = service

    async def get_service(self, service_id: str) -> Service | None:
        return self._s.services.get(service_id)

    async def services(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Service]:
        return [
            s
            for s in self._s.services.values()
            if s.salon_id == salon_id and (include_inactive or s.active)
        ]

    async def add_staff(self, staff: Staff) -> None:
        self._s.staff[staff.id] = staff

    async def update_staff(self, staff: Staff) -> None:
        self._s.staff[staff.id] = staff

    async def get_staff(self, staff_id: str) -> Staff | None:
        return self._s.staff.get(staff_id)

    async def staff(self, salon_id: str, *, include_inactive: bool = False) -> Sequence[Staff]:
        return [
            s
            for s in self._s.staff.values()
            if s.salon_id == salon_id and (include_inactive or s.active)
        ]


class InMemoryScheduleRepository(ScheduleRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def set_weekly(self, staff_id: str, weekly: Sequence[WeeklyInterval]) -> None:
        self._s.weekly[staff_id] = list(weekly)

    async def weekly(self, staff_ids: Sequence[str]) -> Mapping[str, Sequence[WeeklyInterval]]:
        return {sid: list(self._s.weekly.get(sid, [])) for sid in staff_ids}

    async def add_time_off(self, time_off: TimeOff) -> None:
        self._s.time_off[time_off.id] = time_off

    async def time_off(self, staff_id: str) -> Sequence[TimeOff]:
        found = [t for t in self._s.time_off.values() if t.staff_id == staff_id]
        return sorted(found, key=lambda t: (t.start, t.id))

    async def delete_time_off(self, staff_id: str, time_off_id: str) -> bool:
        found = self._s.time_off.get(time_off_id)
        if found is None or found.staff_id != staff_id:
            return False
        del self._s.time_off[time_off_id]
        return True

    async def time_off_between(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[Interval]]:
        out: dict[str, list[Interval]] = {sid: [] for sid in staff_ids}
        for t in self._s.time_off.values():
            if t.staff_id in out and t.start < end and start < t.end:
                out[t.staff_id].append(Interval(t.start, t.end))
        return out


class InMemoryCustomerRepository(CustomerRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def get(self, customer_id: str) -> Customer | None:
        return self._s.customers.get(customer_id)

    async def get_by_phone(self, salon_id: str, phone: str) -> Customer | None:
        return next(
            (c for c in self._s.customers.values() if c.salon_id == salon_id and c.phone == phone),
            None,
        )

    async def get_or_add(self, customer: Customer) -> Customer:
        if customer.phone is None:
            raise ValueError("get_or_add finds customers by phone; add() one without a phone")
        existing = await self.get_by_phone(customer.salon_id, customer.phone)
        if existing is not None:
            return existing
        self._s.customers[customer.id] = customer
        return customer

    async def add(self, customer: Customer) -> None:
        if customer.id in self._s.customers:
            raise Conflict("That customer is already stored.")
        self._check_phone(customer)
        self._s.customers[customer.id] = customer

    async def update(self, customer: Customer) -> None:
        self._check_phone(customer)
        self._s.customers[customer.id] = customer

    def _check_phone(self, customer: Customer) -> None:
        if customer.phone is None:  # any number of phone-less customers
            return
        clash = next(
            (
                c
                for c in self._s.customers.values()
                if c.salon_id == customer.salon_id and c.phone == customer.phone
            ),
            None,
        )
        if clash is not None and clash.id != customer.id:
            raise Conflict("Another customer of this salon has that phone.")


class InMemoryBookingRepository(BookingRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def _check_overlap(self, booking: Booking) -> None:
        if not booking.active:
            return
        for other in self._s.bookings.values():
            if (
                other.id != booking.id
                and other.active
                and other.staff_id == booking.staff_id
                and other.start < booking.occupied_until
                and booking.start < other.occupied_until
            ):
                raise SlotUnavailable("That time was just taken.")

    def _check_external_ref(self, booking: Booking) -> None:
        if booking.external_ref is None:
            return
        for other in self._s.bookings.values():
            if (
                other.id != booking.id
                and other.salon_id == booking.salon_id
                and other.external_ref == booking.external_ref
            ):
                raise Conflict("That appointment is already booked.")

    async def add(self, booking: Booking) -> None:
        if booking.id in self._s.bookings:
            raise Conflict("That booking is already stored.")
        self._check_overlap(booking)
        self._check_external_ref(booking)
        self._s.bookings[booking.id] = booking

    async def update(self, booking: Booking) -> None:
        self._check_overlap(booking)
        self._check_external_ref(booking)
        self._s.bookings[booking.id] = booking

    async def get(self, booking_id: str) -> Booking | None:
        return self._s.bookings.get(booking_id)

    async def get_by_manage_token_hash(self, token_hash: str) -> Booking | None:
        return next(
            (b for b in self._s.bookings.values() if b.manage_token_hash == token_hash), None
        )

    async def occupied(
        self,
        staff_ids: Sequence[str],
        start: datetime,
        end: datetime,
        exclude_booking_id: str | None = None,
    ) -> Mapping[str, Sequence[Interval]]:
        out: dict[str, list[Interval]] = {sid: [] for sid in staff_ids}
        for b in self._s.bookings.values():
            if (
                b.staff_id in out
                and b.active
                and b.id != exclude_booking_id
                and b.start < end
                and start < b.occupied_until
            ):
                out[b.staff_id].append(b.occupied)
        return out

    async def active_counts(
        self, staff_ids: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, int]:
        out = dict.fromkeys(staff_ids, 0)
        for b in self._s.bookings.values():
            if b.staff_id in out and b.active and start <= b.start < end:
                out[b.staff_id] += 1
        return out

    async def customer_has_booking(self, customer_id: str) -> bool:
        return any(b.customer_id == customer_id for b in self._s.bookings.values())

    async def get_by_external_ref(self, salon_id: str, external_ref: str) -> Booking | None:
        return next(
            (
                b
                for b in self._s.bookings.values()
                if b.salon_id == salon_id and b.external_ref == external_ref
            ),
            None,
        )

    async def active_starting_between(self, start: datetime, end: datetime) -> Sequence[Booking]:
        found = [b for b in self._s.bookings.values() if b.active and start <= b.start < end]
        return sorted(found, key=lambda b: (b.start, b.id))

    async def for_customer(self, customer_id: str) -> Sequence[Booking]:
        found = [b for b in self._s.bookings.values() if b.customer_id == customer_id]
        return sorted(found, key=lambda b: (b.start, b.id))

    async def search(
        self,
        salon_id: str,
        *,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        source: BookingSource | None = None,
        status: BookingStatus | None = None,
    ) -> Sequence[Booking]:
        found = [
            b
            for b in self._s.bookings.values()
            if b.salon_id == salon_id
            and (start_from is None or b.start >= start_from)
            and (start_to is None or b.start < start_to)
            and (source is None or b.source == source)
            and (status is None or b.status == status)
        ]
        return sorted(found, key=lambda b: (b.start, b.id))


class InMemoryAccountRepository(AccountRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_owner(self, owner: Owner) -> None:
        if await self.owner_by_email(owner.email) is not None:
            raise Conflict("An account with that email exists.")
        self._s.owners[owner.id] = owner

    async def owner_by_email(self, email: str) -> Owner | None:
        return next((o for o in self._s.owners.values() if o.email == email), None)

    async def add_token(self, token_hash: str, owner_id: str, created_at: datetime) -> None:
        self._s.tokens[token_hash] = (owner_id, False)

    async def owner_id_for_token(self, token_hash: str) -> str | None:
        found = self._s.tokens.get(token_hash)
        return found[0] if found and not found[1] else None

    async def revoke_token(self, token_hash: str) -> None:
        if token_hash in self._s.tokens:
            self._s.tokens[token_hash] = (self._s.tokens[token_hash][0], True)


class InMemoryOtpRepository(OtpRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def challenge(self, salon_id: str, phone: str) -> OtpChallenge | None:
        return self._s.challenges.get((salon_id, phone))

    async def save_challenge(self, challenge: OtpChallenge) -> None:
        self._s.challenges[(challenge.salon_id, challenge.phone)] = challenge

    async def add_grant(self, grant: OtpGrant) -> None:
        self._s.grants[grant.token_hash] = grant

    async def consume_grant(
        self, token_hash: str, salon_id: str, phone: str, now: datetime
    ) -> bool:
        grant = self._s.grants.get(token_hash)
        if (
            grant is None
            or grant.salon_id != salon_id
            or grant.phone != phone
            or grant.expires_at <= now
        ):
            return False
        del self._s.grants[token_hash]
        return True


class InMemoryIdempotencyRepository(IdempotencyRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def get(self, scope: str, key: str, not_before: datetime) -> IdempotencyRecord | None:
        found = self._s.idempotency.get((scope, key))
        return found if found is not None and found.created_at >= not_before else None

    async def add(self, record: IdempotencyRecord, expired_before: datetime) -> None:
        existing = self._s.idempotency.get((record.scope, record.key))
        if existing is not None and existing.created_at >= expired_before:
            raise Conflict("Idempotency key already used.")
        self._s.idempotency[(record.scope, record.key)] = replace(record)

    async def purge(self, created_before: datetime) -> int:
        old = [k for k, r in self._s.idempotency.items() if r.created_at < created_before]
        for k in old:
            del self._s.idempotency[k]
        return len(old)
