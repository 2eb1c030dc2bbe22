"""Meta's error envelope -> application.meta_errors, in one table."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from adapters.outbound.meta import wire
from adapters.outbound.meta.redaction import scrub
from application.meta_errors import (
    MetaBadRequest,
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)

TOKEN_INVALID = frozenset({190})
THROTTLED = frozenset({4, 17, 32, 613, 80001, 80002, 80006})
# App-level throttles that clear in seconds: worth a retry with backoff. The others (user,
# Page, business use case) take minutes: back off, do not retry hot.
RETRYABLE_THROTTLE = frozenset({4, 17})
# "Unknown error" and "Service temporarily unavailable": Meta's own transient failures.
TRANSIENT_CODES = frozenset({1, 2})


def is_permission(code: int) -> bool:
    return code == 10 or 200 <= code <= 299


def decode_error(body: bytes) -> wire.ErrorBody | None:
    try:
        return wire.ERROR.decode(body).error
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def error_from_response(
    status: int,
    body: bytes,
    *,
    retry_after: float | None,
    secrets: Iterable[str] = (),
) -> MetaError:
    """The exception for a non-2xx answer (or a 2xx carrying an error envelope)."""
    err = decode_error(body) or wire.ErrorBody()
    secrets = tuple(secrets)
    code = err.code
    message = scrub(err.message or f"Meta answered HTTP {status}", secrets)
    title = scrub(err.error_user_title, secrets) if err.error_user_title else None
    user_message = scrub(err.error_user_msg, secrets) if err.error_user_msg else None
    if code in THROTTLED:
        return MetaRateLimited(
            message,
            retry_after=retry_after,
            code=code,
            subcode=err.error_subcode,
            fbtrace_id=err.fbtrace_id,
            http_status=status,
            user_title=title,
            user_message=user_message,
        )
    cls: type[MetaError]
    if code in TOKEN_INVALID:
        cls = MetaTokenInvalid
    elif code is not None and is_permission(code):
        cls = MetaPermissionMissing
    elif status >= 500 or code in TRANSIENT_CODES:
        cls = MetaUnavailable
    else:
        cls = MetaBadRequest
    return cls(
        message,
        code=code,
        subcode=err.error_subcode,
        fbtrace_id=err.fbtrace_id,
        http_status=status,
        user_title=title,
        user_message=user_message,
    )


def is_retryable(error: MetaError, *, idempotent: bool) -> bool:
    """Transient failures only. A non-idempotent call (send a message) is retried only when
    Meta surely did not act: throttled (4/17) or the request never left (see the client)."""
    if isinstance(error, MetaRateLimited):
        return error.code in RETRYABLE_THROTTLE
    if isinstance(error, MetaUnavailable):
        return idempotent
    return False


def is_transient(error: MetaError) -> bool:
    """What the circuit breaker counts as a failure of Meta itself."""
    return isinstance(error, MetaUnavailable)
