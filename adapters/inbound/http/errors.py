"""Every error leaves as the envelope of API.md. Mapped in one place."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from application.booking.slots import MAX_ALTERNATIVES
from domain import errors as d

from .presenters import local

log = logging.getLogger("salonhub.http")

STATUS: dict[type[d.DomainError], int] = {
    d.ValidationFailed: 422,
    d.NotFound: 404,
    d.Unauthorized: 401,
    d.Forbidden: 403,
    d.Conflict: 409,
    d.IdempotencyKeyReused: 422,
    d.RateLimited: 429,
    d.DependencyUnavailable: 503,
    d.BadRequest: 400,
}

_NAMED_FIELD = re.compile(r"(unknown|missing required) field `([^`]+)`")


def envelope(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    # JSON always, also on routes that answer text (the webhook handshake) or HTML.
    return Response(body, status_code=status, headers=headers, media_type=MediaType.JSON)


def _status_of(exc: d.DomainError) -> int:
    for cls in type(exc).__mro__:
        if issubclass(cls, d.DomainError) and cls in STATUS:
            return STATUS[cls]
    return 400


def domain_error(request: Request[Any, Any, Any], exc: d.DomainError) -> Response[Any]:
    details = dict(exc.details)
    headers = None
    if isinstance(exc, d.SlotUnavailable):
        tz = exc.timezone
        details["alternatives"] = [
            {"start": local(s.start, tz), "end": local(s.end, tz), "staff_ids": list(s.staff_ids)}
            for s in exc.alternatives[:MAX_ALTERNATIVES]
        ]
    if isinstance(exc, d.RateLimited | d.DependencyUnavailable):
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    return envelope(_status_of(exc), exc.code, exc.message, details, headers)


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    fields: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid"))
        key = str(item.get("key", "body"))
        if key == "data" and message == "'data'":
            return envelope(400, "bad_request", "The request body must be a JSON document.")
        if (named := _NAMED_FIELD.search(message)) is not None:
            key = named.group(2) if key == "data" else f"{key}.{named.group(2)}"
            message = "unknown field" if named.group(1) == "unknown" else "required"
        fields[key] = message
    return envelope(
        422, "validation_error", "Some fields are missing or invalid.", {"fields": fields}
    )


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException):
        return envelope(401, "unauthorized", "Missing or invalid credentials.")
    if isinstance(exc, NotFoundException):
        return envelope(404, "not_found", "Not found.")
    if status == 413:
        return envelope(413, "payload_too_large", "The request body is too large.")
    if status == 405:
        return envelope(
            405, "method_not_allowed", "Method not allowed.", headers=exc.headers or None
        )
    if status == 429:
        return envelope(429, "rate_limited", "Too many requests.", headers=exc.headers or None)
    if isinstance(exc, ClientException) or 400 <= status < 500:
        detail = str(exc.detail) if exc.detail else "Bad request."
        if "JSON is malformed" in detail or "decode" in detail.lower():
            detail = "The request body is not valid JSON."
        return envelope(400 if status == 400 else status, "bad_request", detail)
    log.error("http error %s: %s", status, exc.detail)
    return envelope(status, "internal_error", "Something went wrong on our side.")


def unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Last resort: log it, answer the envelope. Bad input never reaches here by design."""
    # The route template, not the path: paths carry manage tokens.
    route = request.scope.get("path_template", "?")
    log.exception("unhandled error on %s %s", request.method, route, exc_info=exc)
    return envelope(
        HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side."
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    d.DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected,
}
