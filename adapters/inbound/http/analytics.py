"""Analytics: the owner's report and CSV export (Growth or Elite), and the booking widget's
public funnel beacon."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from application.actor import Actor
from application.analytics.report import AnalyticsReport
from application.use_cases import UseCases
from domain.analytics import FunnelStep
from domain.errors import ValidationFailed

from .dependencies import provide_actor
from .params import parse_date
from .rate_limits import Throttle
from .schemas.types import PRINTABLE

SalonId = Annotated[str | None, QueryParameter(required=False, max_length=64)]
DateParam = Annotated[str | None, QueryParameter(required=False, max_length=32)]
FromParam = Annotated[str | None, QueryParameter(query="from", required=False, max_length=32)]
Source = Annotated[str, msgspec.Meta(max_length=64, pattern=PRINTABLE)]
CSV_TYPE = "text/csv"  # Litestar adds "; charset=utf-8" to text types


class FunnelIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    step: FunnelStep
    source: Source = "web"  # instagram | facebook | messenger | story | web; else web


class FunnelOut(msgspec.Struct, kw_only=True):
    views: int
    slot_views: int
    bookings: int
    conversion: float


class PopularServiceOut(msgspec.Struct, kw_only=True):
    service_id: str
    name: str
    bookings: int


class PeakHourOut(msgspec.Struct, kw_only=True):
    weekday: int
    hour: int
    bookings: int


class SeriesPointOut(msgspec.Struct, kw_only=True):
    date: str
    source: str
    bookings: int


class RatesOut(msgspec.Struct, kw_only=True):
    bookings: int
    cancelled: int
    no_show: int
    cancellation_rate: float
    no_show_rate: float


class AnalyticsOut(msgspec.Struct, kw_only=True, rename={"from_": "from"}):
    from_: str
    to: str
    timezone: str
    bookings_by_source: dict[str, int]
    funnel: dict[str, FunnelOut]
    popular_services: list[PopularServiceOut]
    peak_hours: list[PeakHourOut]
    series: list[SeriesPointOut]
    rates: RatesOut


def present(r: AnalyticsReport) -> AnalyticsOut:
    return AnalyticsOut(
        from_=r.period.first.isoformat(),
        to=r.period.last.isoformat(),
        timezone=r.timezone,
        bookings_by_source={s.value: n for s, n in r.bookings_by_source.items()},
        funnel={
            s.value: FunnelOut(
                views=f.views, slot_views=f.slot_views, bookings=f.bookings, conversion=f.conversion
            )
            for s, f in r.funnel.items()
        },
        popular_services=[
            PopularServiceOut(service_id=p.service_id, name=p.name, bookings=p.bookings)
            for p in r.popular_services
        ],
        peak_hours=[
            PeakHourOut(weekday=p.weekday, hour=p.hour, bookings=p.bookings) for p in r.peak_hours
        ],
        series=[
            SeriesPointOut(date=d.date.isoformat(), source=d.source.value, bookings=d.bookings)
            for d in r.daily
        ],
        rates=RatesOut(
            bookings=r.rates.bookings,
            cancelled=r.rates.cancelled,
            no_show=r.rates.no_show,
            cancellation_rate=r.rates.cancellation_rate,
            no_show_rate=r.rates.no_show_rate,
        ),
    )


def _query(
    salon_id: str | None, from_: str | None, to: str | None
) -> tuple[str, date | None, date | None]:
    if not salon_id:
        raise ValidationFailed("salon_id is required.", {"salon_id": "required"})
    first = parse_date(from_, "from") if from_ else None
    last = parse_date(to, "to") if to else None
    return salon_id, first, last


class AnalyticsController(Controller):
    """Owner routes: bearer token, Growth or Elite (403 plan_required otherwise)."""

    path = "/api/meta/analytics"
    tags = ["analytics"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("")
    async def report(
        self,
        actor: Actor,
        use_cases: UseCases,
        salon_id: SalonId = None,
        from_: FromParam = None,
        to: DateParam = None,
    ) -> AnalyticsOut:
        """Salon-local dates `from` … `to`, inclusive (default: the last 30 days)."""
        sid, first, last = _query(salon_id, from_, to)
        return present(await use_cases.analytics.report(actor, sid, first, last))

    @get("/export", media_type=CSV_TYPE)
    async def export(
        self,
        actor: Actor,
        use_cases: UseCases,
        salon_id: SalonId = None,
        from_: FromParam = None,
        to: DateParam = None,
    ) -> Response[str]:
        """CSV, one row per (date, source): date,source,views,slot_views,bookings."""
        sid, first, last = _query(salon_id, from_, to)
        span, body = await use_cases.analytics.export_csv(actor, sid, first, last)
        name = f"salonhub-analytics-{span.first.isoformat()}-{span.last.isoformat()}.csv"
        return Response(
            body,
            media_type=CSV_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


class FunnelBeaconController(Controller):
    """The booking widget reports a page view or a slot view. No auth, no personal data."""

    path = "/api/book/social"
    tags = ["booking (public)"]

    @post("/{salon_id:str}/funnel", status_code=HTTP_204_NO_CONTENT)
    async def funnel(
        self,
        salon_id: str,
        data: FunnelIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
    ) -> None:
        await throttle.check(request, "funnel")
        await use_cases.analytics.record(salon_id, data.source, data.step)
