"""The Dramatiq broker on Redis, built and set here (never at import time), before any actor
is declared."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, AsyncIO, Retries, ShutdownNotifications, TimeLimit

from adapters.outbound.queue.dramatiq_queue import DramatiqJobQueue
from entrypoints.settings import Settings

NAMESPACE = "salonhub"
MAX_RETRIES = 3  # per actor; the rows keep the work beyond that (the relay sends it again)
TIME_LIMIT_MS = 5 * 60 * 1000


def redis_broker(settings: Settings) -> RedisBroker:
    if settings.redis_url is None:
        raise RuntimeError("SALONHUB_WORKERS=dramatiq needs SALONHUB_REDIS_URL")
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        url=settings.redis_url,
        namespace=NAMESPACE,
        middleware=[
            AgeLimit(),
            TimeLimit(time_limit=TIME_LIMIT_MS),
            ShutdownNotifications(),
            Retries(max_retries=MAX_RETRIES, min_backoff=1_000, max_backoff=30_000),
            AsyncIO(),
        ],
    )
    dramatiq.set_broker(broker)
    return broker


def job_queue_on_redis(settings: Settings) -> DramatiqJobQueue:
    return DramatiqJobQueue(redis_broker(settings))
