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
from entrypoints.bootstrap import SANDBOX_MOUNT, TEXTING_SANDBOX_MOUNT, Container, bootstrap
from entrypoints.scheduler import Scheduler
from entrypoints.settings import Settings, load_settings
from entrypoints.worker import RelayLoop


def build_app(container: Container) -> Litestar:
    extra: list[ControllerRouterHandler] = []
    if container.settings.embedded and isinstance(container.otp_sender, SqlaOtpOutbox):
        extra.append(dev_otp_outbox_route(container.otp_sender.recent))
    if container.meta_sandbox is not None:
        extra.append(sandbox_mount(container.meta_sandbox, SANDBOX_MOUNT))
    if container.texting_sandbox is not None:
        extra.append(sandbox_mount(container.texting_sandbox, TEXTING_SANDBOX_MOUNT))
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
        extra_handlers=extra,
        on_startup=startup,
        on_shutdown=[*shutdown, container.close],
        throttle=build_throttle(container),
        metrics_registry=container.metrics_registry,
        session_secret=container.settings.secret_key,
        secure_cookies=container.settings.public_url.startswith("https://"),
        public_url=container.settings.public_url,
    )


def sandbox_mount(sandbox: Litestar, path: str) -> ASGIRouteHandler:
    """A built-in sandbox (embedded mode) mounted at `path`: the Meta one serves the login
    dialog the owner's browser opens; both share their state with the in-process adapters."""

    @asgi(path, is_mount=True, copy_scope=True, include_in_schema=False, name=path)
    async def mounted_sandbox(scope: Scope, receive: Receive, send: Send) -> None:
        await sandbox(scope, receive, send)

    return mounted_sandbox


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
