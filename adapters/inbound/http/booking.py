from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from application.actor import Actor
from application.booking.book_appointment import BookRequest
from application.booking.customers import CustomerDetails
from application.booking.salon_bookings import BookingFilter
from application.use_cases import UseCases
from domain.booking import BookingSource, BookingStatus
from domain.errors import ValidationFailed

from . import presenters as present
from .dependencies import provide_actor
from .params import parse_date, parse_enum, parse_instant
from .rate_limits import Throttle
from .schemas.booking import (
    AvailabilityOut,
    BookIn,
    BookingCreatedOut,
    BookingOut,
    CustomerIn,
    OtpStartIn,
    OtpTokenOut,
    OtpVerifyIn,
    RescheduleIn,
    StaffBookIn,
    StatusIn,
)
from .schemas.public_offer import PublicOfferOut, PublicSalonOut, PublicServiceOut, PublicStaffOut

IdempotencyKey = Annotated[
    str | None, Parameter(header="Idempotency-Key", required=False, max_length=255)
]


def _customer(c: CustomerIn) -> CustomerDetails:
    return CustomerDetails(name=c.name, phone=c.phone, email=c.email)


class PublicBookingController(Controller):
    """The customer side: no auth."""

    path = "/api/book"
    tags = ["booking (public)"]

    @get("/social/{salon_id:str}")
    async def offer(self, salon_id: str, use_cases: UseCases) -> PublicOfferOut:
        o = await use_cases.browse.offer(salon_id)
        s = o.salon
        return PublicOfferOut(
            salon=PublicSalonOut(
                id=s.id, name=s.name, slug=s.slug, timezone=s.timezone, country=s.country
            ),
            services=[
                PublicServiceOut(
                    id=x.id,
                    name=x.name,
                    duration_minutes=x.duration_minutes,
                    price_minor=x.price_minor,
                    currency=x.currency,
                    description=x.description,
                    category=x.category,
                )
                for x in o.services
            ],
            staff=[
                PublicStaffOut(id=x.id, name=x.name, service_ids=list(x.service_ids))
                for x in o.staff
            ],
        )

    @get("/social/{salon_id:str}/availability")
    async def availability(
        self,
        salon_id: str,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
        service_id: UUID,
        date: str | None = None,
        days: int = 1,
        staff_id: UUID | None = None,
    ) -> AvailabilityOut:
        await throttle.check(request, "availability")
        if date is None:
            salon = (await use_cases.browse.offer(salon_id)).salon
            first = use_cases.browse.today(salon)
        else:
            first = parse_date(date, "date")
        salon, slots = await use_cases.browse.availability(
            salon_id, str(service_id), first, days, str(staff_id) if staff_id else None
        )
        return AvailabilityOut(timezone=salon.timezone, slots=present.slots(slots, salon.timezone))

    @post("/social/create", status_code=HTTP_201_CREATED)
    async def create(
        self,
        data: BookIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
        idempotency_key: IdempotencyKey = None,
    ) -> BookingCreatedOut:
        await throttle.check(request, "book", phone=data.customer.phone)
        key = idempotency_key.strip() if idempotency_key else None
        asked = BookRequest(
            salon_id=str(data.salon_id),
            service_id=str(data.service_id),
            staff_id=str(data.staff_id) if data.staff_id else None,
            start=data.start,
            customer=_customer(data.customer),
            source=data.source,
            otp_token=data.otp_token,
        )
        return present.receipt(await use_cases.book(asked, key or None))

    @post("/otp/start", status_code=HTTP_202_ACCEPTED)
    async def otp_start(
        self,
        data: OtpStartIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
    ) -> dict[str, str]:
        await throttle.check(request, "otp_start", phone=data.phone)
        await use_cases.phone_verification.start(str(data.salon_id), data.phone)
        return {"status": "sent"}

    @post("/otp/verify", status_code=HTTP_200_OK)
    async def otp_verify(
        self,
        data: OtpVerifyIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
    ) -> OtpTokenOut:
        await throttle.check(request, "otp_verify", phone=data.phone)
        token = await use_cases.phone_verification.verify(str(data.salon_id), data.phone, data.code)
        return OtpTokenOut(otp_token=token)

    @get("/manage/{token:str}")
    async def view(self, token: str, use_cases: UseCases) -> BookingOut:
        return present.booking(await use_cases.manage_booking.view(token))

    @post("/manage/{token:str}/cancel", status_code=HTTP_200_OK)
    async def cancel(self, token: str, use_cases: UseCases) -> BookingOut:
        return present.booking(await use_cases.manage_booking.cancel(token))

    @post("/manage/{token:str}/reschedule", status_code=HTTP_200_OK)
    async def reschedule(self, token: str, data: RescheduleIn, use_cases: UseCases) -> BookingOut:
        staff_id = str(data.staff_id) if data.staff_id else None
        return present.booking(
            await use_cases.manage_booking.reschedule(token, data.start, staff_id)
        )


class SalonBookingsController(Controller):
    path = "/api/salons/{salon_id:str}/bookings"
    tags = ["bookings (salon)"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("")
    async def list_bookings(
        self,
        salon_id: str,
        actor: Actor,
        use_cases: UseCases,
        from_: Annotated[str | None, Parameter(query="from", required=False)] = None,
        to: str | None = None,
        source: str | None = None,
        status: str | None = None,
    ) -> dict[str, list[BookingOut]]:
        filters = BookingFilter(
            start_from=parse_instant(from_, "from") if from_ else None,
            start_to=parse_instant(to, "to") if to else None,
            source=parse_enum(BookingSource, source, "source") if source else None,
            status=parse_enum(BookingStatus, status, "status") if status else None,
        )
        if filters.start_from and filters.start_to and filters.start_to < filters.start_from:
            raise ValidationFailed("Invalid range.", {"to": "must not be before from"})
        found = await use_cases.salon_bookings.list(actor, salon_id, filters)
        return {"items": [present.booking(v) for v in found]}

    @post("", status_code=HTTP_201_CREATED)
    async def create(
        self, salon_id: str, data: StaffBookIn, actor: Actor, use_cases: UseCases
    ) -> BookingCreatedOut:
        receipt = await use_cases.salon_bookings.create(
            actor,
            salon_id,
            service_id=str(data.service_id),
            staff_id=str(data.staff_id) if data.staff_id else None,
            start=data.start,
            customer=_customer(data.customer),
        )
        return present.receipt(receipt)

    @patch("/{booking_id:str}")
    async def change_status(
        self, salon_id: str, booking_id: str, data: StatusIn, actor: Actor, use_cases: UseCases
    ) -> BookingOut:
        if data.status is not None and data.start is None:
            view = await use_cases.salon_bookings.change_status(
                actor, salon_id, booking_id, BookingStatus(data.status)
            )
        elif data.start is not None and data.status is None:
            staff_id = str(data.staff_id) if data.staff_id else None
            view = await use_cases.salon_bookings.move(
                actor, salon_id, booking_id, start=data.start, staff_id=staff_id
            )
        else:
            raise ValidationFailed(
                "Give either a status, or a start to move the booking (not both).",
                {"status": "give status or start"},
            )
        return present.booking(view)
