"""The one composition root: settings in, a wired object graph out.

The HTTP app, the CLI and the tests all call `bootstrap`; keyword overrides replace any adapter
(tests pass fakes). Nothing here runs at import time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from adapters.outbound.health import RedisPing
from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.otp_sender import InMemoryOtpSender
from adapters.outbound.metrics import PrometheusMetrics
from adapters.outbound.persistence.database import Database
from adapters.outbound.persistence.otp_outbox import SqlaOtpOutbox
from adapters.outbound.ratelimit import InMemoryRateLimiter, RedisRateLimiter
from adapters.outbound.system.clock import SystemClock
from adapters.outbound.system.password_hasher import ScryptPasswordHasher
from adapters.outbound.system.phone_numbers import LibPhoneNumbers
from application.accounts.log_in import Authenticate, LogIn, LogOut
from application.accounts.sign_up import SignUp
from application.audit_query import AuditQuery
from application.booking.book_appointment import BookAppointment
from application.booking.browse import Browse
from application.booking.manage_booking import ManageBooking
from application.booking.salon_bookings import SalonBookings
from application.catalog.manage_services import ManageServices
from application.catalog.manage_staff import ManageStaff
from application.ports.clock import Clock
from application.ports.metrics import Metrics
from application.ports.otp_sender import OtpSender
from application.ports.password_hasher import PasswordHasher
from application.ports.phone_numbers import PhoneNumbers
from application.ports.rate_limiter import RateLimiter
from application.ports.unit_of_work import UnitOfWorkFactory
from application.salons.manage_salon import ManageSalon, SetTier
from application.use_cases import UseCases
from application.verification.verify_phone import PhoneVerification
from entrypoints.settings import Settings

MEMORY_URL = "memory://"
REDIS_TIMEOUT_S = 1.0  # health pings must answer fast, or Redis counts as down


@dataclass
class Container:
    settings: Settings
    use_cases: UseCases
    clock: Clock
    otp_sender: OtpSender
    metrics: Metrics
    metrics_registry: CollectorRegistry  # rendered at /metrics, beside the HTTP metrics
    database: Database | None = None
    health_checks: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    rate_limiter: RateLimiter | None = None  # None: SALONHUB_RATE_LIMITS=off
    redis: Redis | None = None  # set when SALONHUB_REDIS_URL is

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        if self.rate_limiter is not None:
            await self.rate_limiter.close()
        if self.database is not None:
            await self.database.dispose()


def bootstrap(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    otp_sender: OtpSender | None = None,
    phones: PhoneNumbers | None = None,
    hasher: PasswordHasher | None = None,
    rate_limiter: RateLimiter | None = None,
    metrics: Metrics | None = None,
) -> Container:
    database: Database | None = None
    checks: dict[str, Callable[[], Awaitable[bool]]] = {}
    if uow is None:
        if settings.database_url == MEMORY_URL:
            uow = InMemoryUnitOfWorkFactory()
        else:
            database = Database.connect(settings.database_url)
            uow = database.uow_factory()
            checks["database"] = database.ping
    if "database" not in checks:
        checks["database"] = _always_ok
    redis: Redis | None = None
    if settings.redis_url is not None:
        redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
        )
        checks["redis"] = RedisPing(redis, timeout=REDIS_TIMEOUT_S)
    registry = CollectorRegistry()
    if metrics is None:
        metrics = PrometheusMetrics(registry)
    clock = clock or SystemClock()
    phones = phones or LibPhoneNumbers()
    hasher = hasher or ScryptPasswordHasher()
    if otp_sender is None:
        # Embedded mode: codes go to a table the demo can show (a real SMS adapter comes later).
        otp_sender = SqlaOtpOutbox(database) if database is not None else InMemoryOtpSender()
    use_cases = UseCases(
        sign_up=SignUp(uow, clock, hasher, phones),
        log_in=LogIn(uow, clock, hasher),
        log_out=LogOut(uow),
        authenticate=Authenticate(uow),
        salons=ManageSalon(uow, clock),
        set_tier=SetTier(uow, clock),
        services=ManageServices(uow, clock),
        staff=ManageStaff(uow, clock),
        browse=Browse(uow, clock, metrics),
        book=BookAppointment(uow, clock, phones, metrics),
        manage_booking=ManageBooking(uow, clock, metrics),
        salon_bookings=SalonBookings(uow, clock, phones, metrics),
        phone_verification=PhoneVerification(uow, clock, phones, otp_sender, settings.secret_key),
        audit=AuditQuery(uow),
    )
    return Container(
        settings=settings,
        use_cases=use_cases,
        clock=clock,
        otp_sender=otp_sender,
        metrics=metrics,
        metrics_registry=registry,
        database=database,
        health_checks=checks,
        rate_limiter=rate_limiter or _rate_limiter(settings),
        redis=redis,
    )


def _rate_limiter(settings: Settings) -> RateLimiter | None:
    """Shared through Redis when configured (fails open if it is down), else this process only."""
    if not settings.rate_limits:
        return None
    if settings.redis_url is None:
        return InMemoryRateLimiter()
    return RedisRateLimiter(
        settings.redis_url, prefix=settings.rate_limit_prefix, timeout=settings.rate_limit_timeout_s
    )


async def _always_ok() -> bool:
    return True
