"""The texting sandbox as a Litestar app: Twilio's Messages.json and the `/_sandbox` control API."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Litestar, Request, Response, get, post

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "ACsandbox" + "0" * 25
DEFAULT_AUTH_TOKEN = "sandbox-auth-token-0000000000000"  # noqa: S105 - a stand-in, not a credential
DEFAULT_SMS_FROM = "+15005550006"
DEFAULT_WHATSAPP_FROM = "+14155238886"
MAX_BODY = 1600
E164 = re.compile(r"\+[1-9]\d{6,14}")
WA = "whatsapp:"


class TwilioError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> Response[bytes]:
        body = {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }
        headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if self.status == 401 else {}
        return _json(self.status, body, headers)


@dataclass
class Failure:
    status: int
    code: int


@dataclass
class TextingState:
    """What the sandbox has accepted, the failures it will inject, and who said STOP."""

    account_sid: str
    auth_token: str
    numbers: frozenset[str]
    messages: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    opt_outs: set[str] = field(default_factory=set)

    def reset(self) -> None:
        self.messages.clear()
        self.failures.clear()
        self.opt_outs.clear()


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers=headers or {},
    )


def _authorized(state: TextingState, header: str) -> bool:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return secrets.compare_digest(f"{user}:{password}", f"{state.account_sid}:{state.auth_token}")


def _form(raw: bytes) -> dict[str, str]:
    parsed = parse_qs(raw.decode(errors="replace"), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items()}


def accept(state: TextingState, sid: str, auth: str, raw: bytes) -> dict[str, Any]:
    """Validate one Messages.json request as Twilio does; store and describe the message."""
    if not _authorized(state, auth):
        raise TwilioError(401, 20003, "Authenticate")
    if sid != state.account_sid:
        raise TwilioError(404, 20404, f"The requested resource /Accounts/{sid} was not found")
    if state.failures:
        failure = state.failures.pop(0)
        raise TwilioError(failure.status, failure.code, "Injected failure (sandbox)")
    form = _form(raw)
    to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
    if not sender:
        raise TwilioError(400, 21603, "A 'From' phone number is required.")
    channel = "whatsapp" if sender.startswith(WA) else "sms"
    if sender.removeprefix(WA) not in state.numbers:
        raise TwilioError(
            400,
            21606,
            f"The From phone number {sender} is not a valid, SMS-capable inbound phone number "
            "or short code for your account.",
        )
    if not to:
        raise TwilioError(400, 21604, "A 'To' phone number is required.")
    if to.startswith(WA) != (channel == "whatsapp"):
        raise TwilioError(
            400, 21910, "Invalid From and To pair. From and To should be of the same channel"
        )
    phone = to.removeprefix(WA)
    if not E164.fullmatch(phone):
        raise TwilioError(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if not 1 <= len(body) <= MAX_BODY:
        raise TwilioError(
            400, 21617, "The concatenated message body exceeds the 1600 character limit"
        )
    if phone in state.opt_outs:
        raise TwilioError(400, 21610, "Attempt to send to unsubscribed recipient")
    message = {
        "sid": "SM" + secrets.token_hex(16),
        "to": to,
        "from": sender,
        "body": body,
        "channel": channel,
        "at": time.time(),
    }
    state.messages.append(message)
    return _resource(state, message)


def _resource(state: TextingState, m: dict[str, Any]) -> dict[str, Any]:
    uri = f"/{API_VERSION}/Accounts/{state.account_sid}/Messages/{m['sid']}"
    created = formatdate(m["at"], usegmt=True)
    return {
        "account_sid": state.account_sid,
        "api_version": API_VERSION,
        "body": m["body"],
        "date_created": created,
        "date_sent": None,
        "date_updated": created,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": m["from"],
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": str(-(-len(m["body"]) // 160)),
        "price": None,
        "price_unit": "USD",
        "sid": m["sid"],
        "status": "queued",
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": m["to"],
        "uri": f"{uri}.json",
    }


async def _control_body(request: Request[Any, Any, Any]) -> dict[str, Any]:
    decoded = msgspec.json.decode(await request.body() or b"{}")
    if not isinstance(decoded, dict):
        raise ValueError("expected a JSON object")
    return decoded


def create_texting_sandbox_app(
    *,
    account_sid: str = DEFAULT_ACCOUNT_SID,
    auth_token: str = DEFAULT_AUTH_TOKEN,
    numbers: Iterable[str] = (DEFAULT_SMS_FROM, DEFAULT_WHATSAPP_FROM),
) -> Litestar:
    """The sandbox app; `numbers` are the account's sender numbers (SMS and WhatsApp alike)."""
    state = TextingState(account_sid, auth_token, frozenset(numbers))

    @post(f"/{API_VERSION}/Accounts/{{sid:str}}/Messages.json")
    async def create_message(request: Request[Any, Any, Any], sid: str) -> Response[bytes]:
        auth = request.headers.get("authorization", "")
        try:
            return _json(201, accept(state, sid, auth, await request.body()))
        except TwilioError as exc:
            return exc.response()

    @get("/_sandbox/messages")
    async def messages(to: str | None = None) -> Response[bytes]:
        found = [
            m for m in state.messages if to is None or to in (m["to"], m["to"].removeprefix(WA))
        ]
        return _json(200, {"messages": found})

    @post("/_sandbox/reset")
    async def reset() -> Response[bytes]:
        state.reset()
        return _json(200, {"reset": True})

    @post("/_sandbox/failures")
    async def failures(request: Request[Any, Any, Any]) -> Response[bytes]:
        data = await _control_body(request)
        status = int(data.get("status", 503))
        if not 400 <= status <= 599:
            return _json(400, {"error": "status must be 400-599"})
        default = 20429 if status == 429 else 20500 if status >= 500 else 21211
        code = int(data.get("code") or default)
        state.failures.extend([Failure(status, code)] * max(1, int(data.get("times", 1))))
        return _json(200, {"pending": len(state.failures)})

    @post("/_sandbox/opt-outs")
    async def opt_out(request: Request[Any, Any, Any]) -> Response[bytes]:
        phone = str((await _control_body(request)).get("phone", "")).removeprefix(WA)
        if not E164.fullmatch(phone):
            return _json(400, {"error": "phone must be E.164"})
        state.opt_outs.add(phone)
        return _json(201, {"opt_outs": sorted(state.opt_outs)})

    app = Litestar(
        route_handlers=[create_message, messages, reset, failures, opt_out],
        debug=False,
        openapi_config=None,
        logging_config=None,
    )
    app.state["texting"] = state
    return app


def run(port: int, host: str = "127.0.0.1") -> None:
    """Serve the sandbox with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_texting_sandbox_app(), host=host, port=port, log_level="warning")
