"""TwilioTextMessageSender: the TextMessageSender port over Twilio's Messages API (httpx)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from application.ports.text_messages import (
    SMS,
    WHATSAPP,
    TextMessageError,
    TextMessageSender,
    TextReceipt,
)

log = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
TOO_MANY_REQUESTS = 20429
# Statuses worth retrying even when Twilio's error code would say otherwise.
_TRANSIENT_STATUSES = frozenset({408, 429})
_TRANSIENT_CODES = frozenset({TOO_MANY_REQUESTS, 20500, 20503})


class TwilioTextMessageSender(TextMessageSender):
    """Sends SMS and WhatsApp texts with `POST .../Accounts/{sid}/Messages.json`.

    Retryable failures (429, 5xx, code 20429, timeouts, connection errors) raise a transient
    TextMessageError; every other refusal (bad or unsubscribed number, unroutable, WhatsApp
    outside its 24-hour window, bad credentials) a permanent one. WhatsApp needs `whatsapp_from`.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        account_sid: str,
        auth_token: str,
        sms_from: str,
        whatsapp_from: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._account_sid = account_sid
        self._auth = httpx.BasicAuth(account_sid, auth_token)
        self._secret = auth_token
        self._sms_from = sms_from
        self._whatsapp_from = whatsapp_from
        self._timeout = timeout
        self._url = f"{self._base_url}/{API_VERSION}/Accounts/{account_sid}/Messages.json"

    def __repr__(self) -> str:
        return (
            f"TwilioTextMessageSender(base_url={self._base_url!r}, "
            f"account_sid={self._account_sid!r}, sms_from={self._sms_from!r}, "
            f"whatsapp_from={self._whatsapp_from!r})"
        )

    async def send(self, channel: str, to: str, body: str) -> TextReceipt:
        form = {"To": to, "From": self._sms_from, "Body": body}
        if channel == WHATSAPP:
            if self._whatsapp_from is None:
                raise TextMessageError("no WhatsApp sender is configured", permanent=True)
            form["To"], form["From"] = f"whatsapp:{to}", f"whatsapp:{self._whatsapp_from}"
        elif channel != SMS:
            raise TextMessageError(f"unknown text channel {channel!r}", permanent=True)
        try:
            response = await self._client.post(
                self._url, data=form, auth=self._auth, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise TextMessageError(
                f"twilio timed out ({type(exc).__name__})", permanent=False
            ) from None
        except httpx.TransportError as exc:
            raise TextMessageError(
                f"twilio unreachable ({type(exc).__name__})", permanent=False
            ) from None
        if response.is_success:
            return self._receipt(response)
        raise self._error(response, channel, body)

    def _receipt(self, response: httpx.Response) -> TextReceipt:
        got = _json_object(response)
        sid, status = got.get("sid"), got.get("status")
        if not isinstance(sid, str) or not sid:
            # Accepted but unreadable: Twilio may have queued it, so a retry could send twice;
            # still transient, since a lost text is worse than a duplicate.
            raise TextMessageError("twilio accepted the message without a sid", permanent=False)
        return TextReceipt(provider_id=sid, status=status if isinstance(status, str) else "queued")

    def _error(self, response: httpx.Response, channel: str, body: str) -> TextMessageError:
        got = _json_object(response)
        raw_code = got.get("code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        status = response.status_code
        transient = status in _TRANSIENT_STATUSES or status >= 500 or code in _TRANSIENT_CODES
        detail = str(got.get("message") or response.reason_phrase or "no message")
        for secret in (body, self._secret):
            if secret:
                detail = detail.replace(secret, "[redacted]")
        log.warning(
            "twilio refused a %s message: HTTP %d, code %s (%s)",
            channel,
            status,
            code,
            "transient" if transient else "permanent",
        )
        return TextMessageError(
            f"twilio refused the {channel} message: HTTP {status}, code {code}: {detail}",
            permanent=not transient,
            code=code,
        )


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        got = response.json()
    except ValueError:
        return {}
    return got if isinstance(got, dict) else {}
