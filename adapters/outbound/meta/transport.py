"""GraphTransport: one logical Graph API call = local refusals (usage at 100 %, open circuit),
then attempts with capped, fully jittered backoff for transient failures only."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx
import msgspec

from adapters.outbound.meta import wire
from adapters.outbound.meta.errors import error_from_response, is_retryable, is_transient
from adapters.outbound.meta.redaction import SECRET_PARAMS, redact_url, scrub
from adapters.outbound.meta.resilience import CircuitBreakers, RetryPolicy
from adapters.outbound.meta.usage import UsageTracker
from application.meta_errors import MetaError, MetaRateLimited, MetaUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
Params = Mapping[str, str]
# The request surely never reached Meta: safe to retry even a non-idempotent call.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class _Failed(Exception):
    """One attempt failed; `sent` is False when the request never left."""

    def __init__(self, error: MetaError, *, sent: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.sent = sent


class GraphTransport:
    """Sends requests under `root` (base URL + pinned version) with a timeout on each, keeps
    usage figures and a circuit breaker per integration key, and raises
    application.meta_errors only (never with a secret in the message)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        root: str,
        timeout: float,
        secrets: Sequence[str],
        retry: RetryPolicy,
        breakers: CircuitBreakers,
        usage: UsageTracker,
        sleep: Callable[[float], Awaitable[None]],
        random: Callable[[], float],
    ) -> None:
        self._client = client
        self._root = root
        self._timeout = httpx.Timeout(timeout)
        self._secrets = tuple(secrets)
        self._retry = retry
        self._breakers = breakers
        self._usage = usage
        self._sleep = sleep
        self._random = random

    async def call(
        self,
        method: str,
        path: str,
        key: str,
        params: Params,
        decoder: msgspec.json.Decoder[T],
        *,
        body: Any = None,
        idempotent: bool = True,
    ) -> T:
        """One logical call: local refusals, then attempts with capped, jittered backoff."""
        secrets = [v for k, v in params.items() if k in SECRET_PARAMS]
        secrets.extend(self._secrets)
        content = wire.ENCODER.encode(body) if body is not None else None
        waited = 0.0
        attempt = 0
        while True:
            try:
                return await self._attempt(method, path, key, params, decoder, content, secrets)
            except _Failed as failed:
                error = failed.error
                retryable = is_retryable(error, idempotent=idempotent) or (
                    isinstance(error, MetaUnavailable) and not failed.sent
                )
                attempt += 1
                budget = self._retry.max_total_delay - waited
                if not retryable or attempt >= self._retry.max_attempts or budget <= 0:
                    raise error from None
                delay = self._retry.delay(attempt - 1, self._random)
                if isinstance(error, MetaRateLimited) and error.retry_after is not None:
                    if error.retry_after > budget:
                        raise error from None
                    delay = max(delay, error.retry_after)
                delay = min(delay, budget)
                waited += delay
                await self._sleep(delay)

    async def _attempt(
        self,
        method: str,
        path: str,
        key: str,
        params: Params,
        decoder: msgspec.json.Decoder[T],
        content: bytes | None,
        secrets: Sequence[str],
    ) -> T:
        blocked = self._usage.blocked_for(key)
        if blocked is not None:
            raise MetaRateLimited(
                "Meta usage is at 100 % for this integration; refused locally",
                retry_after=blocked,
            )
        if not self._breakers.allow(key):
            raise MetaUnavailable(
                f"Meta circuit open for this integration; retry in "
                f"{self._breakers.retry_in(key):.0f} s"
            )
        verdict = False
        try:
            pause = self._usage.slowdown(key)
            if pause > 0:
                await self._sleep(pause)
            url = f"{self._root}/{path}"
            headers = {"content-type": "application/json"} if content is not None else None
            try:
                response = await self._client.request(
                    method,
                    url,
                    params=dict(params),
                    content=content,
                    headers=headers,
                    timeout=self._timeout,
                )
            except httpx.TransportError as exc:  # connect/read errors and timeouts
                verdict = True
                self._breakers.failed(key)
                shown = redact_url(httpx.URL(url, params=dict(params)))
                log.warning(
                    "meta call failed: %s %s (%s)",
                    method,
                    shown,
                    type(exc).__name__,
                    extra={"integration_key": key},
                )
                down = MetaUnavailable(f"Meta unreachable: {type(exc).__name__}")
                raise _Failed(down, sent=not isinstance(exc, _NOT_SENT)) from None
            usage = self._usage.record(key, response.headers)
            if not response.is_success:
                error = error_from_response(
                    response.status_code,
                    response.content,
                    retry_after=usage.regain_access_seconds if usage else None,
                    secrets=secrets,
                )
                verdict = True
                if is_transient(error):
                    self._breakers.failed(key)
                else:
                    self._breakers.succeeded(key)
                log.warning(
                    "meta call failed: %s %s -> %d code=%s subcode=%s fbtrace_id=%s",
                    method,
                    redact_url(response.request.url),
                    response.status_code,
                    error.code,
                    error.subcode,
                    error.fbtrace_id,
                    extra={
                        "integration_key": key,
                        "status_code": response.status_code,
                        "error_code": error.code,
                        "error_subcode": error.subcode,
                        "fbtrace_id": error.fbtrace_id,
                    },
                )
                raise _Failed(error, sent=True)
            verdict = True
            self._breakers.succeeded(key)
            try:
                return decoder.decode(response.content)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                shown = scrub(str(exc), secrets)
                raise MetaUnavailable(
                    f"Meta answered {method} {path} unexpectedly: {shown}"
                ) from None
        finally:
            if not verdict:
                self._breakers.release(key)
