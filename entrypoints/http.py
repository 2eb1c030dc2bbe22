"""The HTTP application as the process serves it."""

from __future__ import annotations

from litestar import Litestar

from adapters.inbound.http.app import create_app
from adapters.inbound.http.dev import dev_otp_outbox_route
from adapters.inbound.http.rate_limits import Throttle, parse_networks
from adapters.outbound.persistence.otp_outbox import SqlaOtpOutbox
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings, load_settings


def build_app(container: Container) -> Litestar:
    extra = []
    if container.settings.embedded and isinstance(container.otp_sender, SqlaOtpOutbox):
        extra.append(dev_otp_outbox_route(container.otp_sender.recent))
    return create_app(
        container.use_cases,
        health_checks=container.health_checks,
        extra_handlers=extra,
        on_shutdown=[container.close],
        throttle=build_throttle(container),
        metrics_registry=container.metrics_registry,
    )


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
