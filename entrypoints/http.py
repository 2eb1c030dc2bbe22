"""The HTTP application as the process serves it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Litestar, asgi
from litestar.handlers import ASGIRouteHandler
from litestar.types import ControllerRouterHandler, Receive, Scope, Send

from adapters.inbound.http.app import create_app
from adapters.inbound.http.dev import dev_otp_outbox_route
from adapters.inbound.http.rate_limits import Throttle, parse_networks
from adapters.outbound.persistence.otp_outbox import SqlaOtpOutbox
from entrypoints.bootstrap import SANDBOX_MOUNT, Container, bootstrap
from entrypoints.periodic import PeriodicMetaJobs
from entrypoints.settings import Settings, load_settings
from entrypoints.worker import InProcessWorker


def build_app(container: Container) -> Litestar:
    extra: list[ControllerRouterHandler] = []
    if container.settings.embedded and isinstance(container.otp_sender, SqlaOtpOutbox):
        extra.append(dev_otp_outbox_route(container.otp_sender.recent))
    if container.meta_sandbox is not None:
        extra.append(sandbox_mount(container.meta_sandbox))
    startup: list[Callable[[], Awaitable[None]]] = []
    shutdown: list[Callable[[], Awaitable[None]]] = []
    worker = InProcessWorker(container.use_cases)
    startup.append(worker.start)
    shutdown.append(worker.stop)
    if container.settings.embedded and container.settings.periodic_jobs:
        jobs = PeriodicMetaJobs(container.use_cases)
        startup.append(jobs.start)
        shutdown.append(jobs.stop)
    return create_app(
        container.use_cases,
        health_checks=container.health_checks,
        extra_handlers=extra,
        on_startup=startup,
        on_shutdown=[*shutdown, container.close],
        throttle=build_throttle(container),
        metrics_registry=container.metrics_registry,
    )


def sandbox_mount(sandbox: Litestar) -> ASGIRouteHandler:
    """The built-in Meta sandbox at /_meta-sandbox (embedded mode): the login dialog the
    owner's browser opens, and the same state the in-process Graph adapter talks to."""

    @asgi(SANDBOX_MOUNT, is_mount=True, copy_scope=True, include_in_schema=False)
    async def meta_sandbox(scope: Scope, receive: Receive, send: Send) -> None:
        await sandbox(scope, receive, send)

    return meta_sandbox


def build_throttle(container: Container) -> Throttle:
    settings = container.settings
    return Throttle(
        container.rate_limiter,
        settings.rate_limit_rules,
        trusted_proxies=parse_networks(settings.trusted_proxies),
        key_secret=settings.secret_key,
        metrics=container.metrics,
    )


def app_from_env(settings: Settings | None = None) -> Litestar:
    return build_app(bootstrap(settings or load_settings()))
