"""The domain's exception tree. The HTTP adapter maps each class to one status and code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


class ValidationFailed(DomainError):
    """Input is well formed but a value is out of range; `fields` maps names to reasons."""

    code = "validation_error"

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message, {"fields": dict(fields or {})})
        self.fields = dict(fields or {})


class NotFound(DomainError):
    """Unknown id, or an id that belongs to another tenant (never tell them apart)."""

    code = "not_found"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class VerificationRequired(Forbidden):
    code = "verification_required"


class PlanRequired(Forbidden):
    code = "plan_required"


class Conflict(DomainError):
    code = "conflict"


class SlotUnavailable(Conflict):
    """The asked start is not offered; `alternatives` are offered slots nearest to it."""

    code = "slot_unavailable"

    def __init__(
        self,
        message: str = "That time is not available.",
        alternatives: Sequence[Any] = (),
        timezone: str = "UTC",
    ) -> None:
        super().__init__(message)
        self.alternatives = list(alternatives)
        self.timezone = timezone  # the zone alternatives are shown in


class CancellationWindowPassed(Conflict):
    code = "cancellation_window_passed"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, {"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds


class DependencyUnavailable(DomainError):
    """A service we depend on (Meta) failed or is throttling us; try again later."""

    code = "meta_unavailable"

    def __init__(self, message: str, retry_after_seconds: int = 30) -> None:
        super().__init__(message, {"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds


class BadRequest(DomainError):
    """The request cannot be read at all (not JSON where JSON is required)."""

    code = "bad_request"
