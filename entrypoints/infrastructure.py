"""Builders for the infrastructure bootstrap wires: the database (or the in-memory fakes),
Redis, the rate limiter, the job queue and the OTP sender. Only `entrypoints/bootstrap.py`
calls them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from litestar.types import ControllerRouterHandler
from redis.asyncio import Redis

from adapters.inbound.http.dev import dev_otp_outbox_route
from adapters.outbound.health import RedisPing
from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.otp_sender import InMemoryOtpSender
from adapters.outbound.persistence.database import Database
from adapters.outbound.persistence.otp_sender import SqlaOtpSender
from adapters.outbound.queue.in_process import InProcessJobQueue
from adapters.outbound.ratelimit import InMemoryRateLimiter, RedisRateLimiter
from adapters.outbound.texting.otp import TextOtpSender
from application.jobs.relay import JobRunner
from application.ports.job_queue import JobQueue
from application.ports.otp_sender import OtpSender
from application.ports.rate_limiter import RateLimiter
from application.ports.text_messages import TextMessageSender
from application.ports.unit_of_work import UnitOfWorkFactory
from entrypoints.settings import Settings

MEMORY_URL = "memory://"
REDIS_TIMEOUT_S = 1.0  # health pings must answer fast, or Redis counts as down

HealthCheck = Callable[[], Awaitable[bool]]


@dataclass
class Storage:
    """Where state lives: the unit of work, the database behind it (None: in memory), Redis
    (None: not configured) and the health checks `/health` runs over them."""

    uow: UnitOfWorkFactory
    database: Database | None = None
    redis: Redis | None = None
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)


def storage(settings: Settings, uow: UnitOfWorkFactory | None) -> Storage:
    database: Database | None = None
    checks: dict[str, HealthCheck] = {}
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
    return Storage(uow, database, redis, checks)


def otp_sender(
    settings: Settings, database: Database | None, texts: TextMessageSender | None
) -> tuple[OtpSender, list[ControllerRouterHandler]]:
    """Codes by text message when Twilio is configured; else (embedded) into a table the demo
    reads back at /api/dev/otp-outbox — the route comes with the sender that fills it."""
    if settings.texting.provider == "twilio" and texts is not None:
        return TextOtpSender(texts), []
    if database is None:
        return InMemoryOtpSender(), []
    outbox = SqlaOtpSender(database)
    routes: list[ControllerRouterHandler] = []
    if settings.embedded:
        routes.append(dev_otp_outbox_route(outbox.recent))
    return outbox, routes


def job_queue(settings: Settings, jobs: JobRunner) -> JobQueue:
    """Dramatiq on Redis (`salonhub worker` runs the jobs), or this process's own loop."""
    if settings.workers == "dramatiq":
        from entrypoints.broker import job_queue_on_redis

        return job_queue_on_redis(settings)
    return InProcessJobQueue(jobs.run)


def rate_limiter(settings: Settings) -> RateLimiter | None:
    """Shared through Redis when configured (fails open if it is down), else this process only;
    None when SALONHUB_RATE_LIMITS=off."""
    if not settings.rate_limits:
        return None
    if settings.redis_url is None:
        return InMemoryRateLimiter()
    return RedisRateLimiter(
        settings.redis_url, prefix=settings.rate_limit_prefix, timeout=settings.rate_limit_timeout_s
    )


async def _always_ok() -> bool:
    return True
