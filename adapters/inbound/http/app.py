"""The Litestar application factory. Everything it needs is handed in by the composition root."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.types import ControllerRouterHandler
from prometheus_client import CollectorRegistry

from application.use_cases import UseCases

from ..webhooks.meta_delivery import MetaDeliveryParser
from .accounts import AccountsController
from .analytics import AnalyticsController, FunnelBeaconController
from .audit import AuditController
from .booking import PublicBookingController, SalonBookingsController
from .catalog import ServicesController, StaffController
from .customers import CustomersController
from .dependencies import provide_throttle, provide_use_cases
from .errors import EXCEPTION_HANDLERS, envelope
from .messaging import ConfirmationLinksController, MessageLogController
from .meta import MetaCallbackController, MetaOwnerController
from .observability import HttpMetrics, ObservedApp, metrics_route
from .openapi import document_error_responses
from .operations import HealthCheck, health
from .pages import page_routes
from .rate_limits import Throttle
from .salons import SalonsController
from .sessions import SessionController
from .webhooks import MetaWebhookController, WebhookEventsController

MAX_BODY_BYTES = 1024 * 1024
_JSON_TYPES = ("application/json",)
# Meta posts these as forms (`signed_request`), not JSON.
_FORM_ROUTES = frozenset({"/api/meta/deauthorize", "/api/meta/data-deletion"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def guard_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Refuse what no handler can mean: NUL in the path or query (no id or value contains one),
    and a body on an API route that is not declared JSON."""
    if "\x00" in request.scope["path"]:
        return envelope(404, "not_found", "Not found.")
    if "\x00" in request.scope.get("query_string", b"").decode("latin-1", "replace") or any(
        "\x00" in value for _, value in request.query_params.multi_items()
    ):
        return envelope(
            422,
            "validation_error",
            "Query values must not contain NUL.",
            {"fields": {"query": "contains NUL"}},
        )
    if request.method not in ("POST", "PUT", "PATCH") or not request.url.path.startswith("/api/"):
        return None
    length = request.headers.get("content-length")
    has_body = (length is not None and length.strip() != "0") or (
        "transfer-encoding" in request.headers
    )
    if not has_body:
        return None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _JSON_TYPES or content_type.endswith("+json"):
        return None
    if content_type in _FORM_TYPES and request.url.path in _FORM_ROUTES:
        return None
    return envelope(400, "bad_request", "The request body must be JSON (application/json).")


def create_app(
    use_cases: UseCases,
    *,
    meta_deliveries: MetaDeliveryParser,
    health_checks: Mapping[str, HealthCheck],
    extra_handlers: Sequence[ControllerRouterHandler] = (),
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = (),
    on_startup: Sequence[Callable[[], Awaitable[None]]] = (),
    throttle: Throttle | None = None,
    metrics_registry: CollectorRegistry | None = None,
    session_secret: bytes = b"",
    secure_cookies: bool = False,
    public_url: str = "http://127.0.0.1:8000",
    debug: bool = False,
) -> Litestar:
    """`session_secret` signs the admin pages' CSRF tokens; a random one is made when none is
    given (sessions then only hold for this process)."""
    registry = metrics_registry if metrics_registry is not None else CollectorRegistry()
    config = AppConfig(
        route_handlers=[
            AccountsController,
            SessionController,
            SalonsController,
            ServicesController,
            StaffController,
            PublicBookingController,
            SalonBookingsController,
            AuditController,
            MetaOwnerController,
            MetaCallbackController,
            MetaWebhookController,
            WebhookEventsController,
            MessageLogController,
            ConfirmationLinksController,
            CustomersController,
            AnalyticsController,
            FunnelBeaconController,
            *page_routes(),
            health,
            metrics_route(registry),
            *extra_handlers,
        ],
        dependencies={
            "use_cases": Provide(provide_use_cases, sync_to_thread=False),
            "throttle": Provide(provide_throttle, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=guard_request,
        request_max_body_size=MAX_BODY_BYTES,
        state=State(
            {
                "use_cases": use_cases,
                "meta_deliveries": meta_deliveries,
                "health_checks": dict(health_checks),
                "throttle": throttle or Throttle.off(),
                "session_secret": session_secret or secrets.token_bytes(32),
                "secure_cookies": secure_cookies,
                "public_url": public_url.rstrip("/"),
            }
        ),
        on_startup=list(on_startup),
        on_shutdown=list(on_shutdown),
        openapi_config=OpenAPIConfig(
            title="SalonHub booking API",
            version="1.0.0",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        debug=debug,
    )
    app = Litestar.from_config(config)
    document_error_responses(app)
    # Outermost, like Litestar's own CORS wrapper: route middleware never sees unmatched paths.
    app.asgi_handler = ObservedApp(app.asgi_handler, HttpMetrics(registry))
    return app
