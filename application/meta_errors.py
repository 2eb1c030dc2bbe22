"""What can go wrong when we talk to Meta's Graph API: a small exception tree.

Every error keeps Meta's `code`, `error_subcode` and `fbtrace_id` (quote the last one to Meta
support). Messages never contain an access token, an app secret or an OAuth code: the adapter
scrubs them before raising.
"""

from __future__ import annotations


class MetaError(Exception):
    """Base of every Meta failure. `message` is safe to log and to show an operator."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        fbtrace_id: str | None = None,
        http_status: int | None = None,
        user_title: str | None = None,
        user_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.fbtrace_id = fbtrace_id
        self.http_status = http_status
        self.user_title = user_title
        self.user_message = user_message

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.subcode is not None:
            parts.append(f"subcode={self.subcode}")
        if self.fbtrace_id:
            parts.append(f"fbtrace_id={self.fbtrace_id}")
        return " ".join(parts)


class MetaTokenInvalid(MetaError):
    """Code 190 (subcodes 458 app removed, 460 password changed, 463 expired, 467 invalid,
    492 invalid session): the token is dead. Mark the integration `error`; do not retry."""


class MetaPermissionMissing(MetaError):
    """Code 10 or 200-299: the token lacks a permission or a Page role. Do not retry."""


class MetaRateLimited(MetaError):
    """Codes 4, 17, 32, 613, 80001, 80002, 80006, or usage at 100 % (refused locally).

    `retry_after` is in seconds when known (from `estimated_time_to_regain_access`), else None.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        code: int | None = None,
        subcode: int | None = None,
        fbtrace_id: str | None = None,
        http_status: int | None = None,
        user_title: str | None = None,
        user_message: str | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            subcode=subcode,
            fbtrace_id=fbtrace_id,
            http_status=http_status,
            user_title=user_title,
            user_message=user_message,
        )
        self.retry_after = retry_after


class MetaUnavailable(MetaError):
    """Meta could not be reached or failed on its side: 5xx, connect/read errors, timeouts,
    a malformed answer, or the circuit breaker is open for this integration."""


class MetaBadRequest(MetaError):
    """Code 100 and any other 4xx: our request was wrong (or a rule refused it, like a sunset
    message tag outside the 24-hour window). Do not retry unchanged."""
