"""The OpenAPI document tells the truth about errors: every route may answer the envelope."""

from __future__ import annotations

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from .schemas.errors import ErrorOut

_ERRORS = {
    400: "Body is not JSON, or not declared application/json",
    401: "Missing or bad credentials",
    403: "Not allowed (forbidden, verification_required, plan_required)",
    404: "Unknown id, or an id of another tenant",
    409: "slot_unavailable (with alternatives), cancellation_window_passed, conflict",
    413: "Body over the route's limit",
    422: "validation_error (details.fields names them), idempotency_key_reused",
    429: "rate_limited, with a Retry-After header",
}


def document_error_responses(app: Litestar) -> None:
    """Replace Litestar's default 400 body with ours and add the other error statuses."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not handler.include_in_schema:
                continue
            documented = {
                status: ResponseSpec(data_container=ErrorOut, description=text)
                for status, text in _ERRORS.items()
            }
            handler.responses = {**documented, **(handler.responses or {})}
