"""The HTTP application as the process serves it: the app over the container bootstrap built,
with this process's background work (the relay, and in embedded mode the scheduler)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Litestar

from adapters.inbound.http.app import create_app
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.scheduler import Scheduler
from entrypoints.settings import Settings, load_settings
from entrypoints.worker import RelayLoop


def build_app(container: Container) -> Litestar:
    startup: list[Callable[[], Awaitable[None]]] = []
    shutdown: list[Callable[[], Awaitable[None]]] = []
    if container.settings.workers == "inprocess":
        relay = RelayLoop(container)
        startup.append(relay.start)
        shutdown.append(relay.stop)
    if container.settings.embedded and container.settings.periodic_jobs:
        scheduler = Scheduler(container)  # one process: no lock needed
        startup.append(scheduler.start)
        shutdown.append(scheduler.stop)
    return create_app(
        container.use_cases,
        meta_deliveries=container.meta_deliveries,
        health_checks=container.health_checks,
        extra_handlers=container.http_handlers,
        on_startup=startup,
        on_shutdown=[*shutdown, container.close],
        throttle=container.throttle,
        metrics_registry=container.metrics_registry,
        session_secret=container.settings.secret_key,
        secure_cookies=container.settings.public_url.startswith("https://"),
        public_url=container.settings.public_url,
    )


def app_from_env(settings: Settings | None = None) -> Litestar:
    return build_app(bootstrap(settings or load_settings()))
