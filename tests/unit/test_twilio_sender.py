"""TwilioTextMessageSender through httpx.MockTransport: request shape and error mapping."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
import pytest

from adapters.outbound.memory.text_messages import InMemoryTextMessageSender
from adapters.outbound.texting import TextOtpSender, TwilioTextMessageSender
from application.ports.text_messages import SMS, WHATSAPP, TextMessageError

BASE = "https://api.twilio.test"
SID = "AC" + "1" * 32
TOKEN = "auth-token-SECRET-1234"
SMS_FROM = "+15005550006"
WA_FROM = "+14155238886"
TO = "+919876543210"
BODY = "Your code is 424242"

Handler = Callable[[httpx.Request], httpx.Response]


def created(sid: str = "SM" + "a" * 32, status: str = "queued") -> httpx.Response:
    return httpx.Response(201, json={"sid": sid, "status": status, "to": TO})


def twilio_error(status: int, code: int, message: str = "refused") -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


def sender(
    handler: Handler, *, whatsapp_from: str | None = WA_FROM
) -> tuple[TwilioTextMessageSender, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(record))
    adapter = TwilioTextMessageSender(
        client,
        base_url=BASE + "/",
        account_sid=SID,
        auth_token=TOKEN,
        sms_from=SMS_FROM,
        whatsapp_from=whatsapp_from,
    )
    return adapter, seen


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(request.content.decode()).items()}


async def test_sms_request_shape_and_receipt() -> None:
    adapter, seen = sender(lambda _: created("SM" + "b" * 32, "queued"))
    receipt = await adapter.send(SMS, TO, BODY)
    assert (receipt.provider_id, receipt.status) == ("SM" + "b" * 32, "queued")
    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == f"{BASE}/2010-04-01/Accounts/{SID}/Messages.json"
    expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request) == {"To": TO, "From": SMS_FROM, "Body": BODY}


async def test_whatsapp_prefixes_both_numbers() -> None:
    adapter, seen = sender(lambda _: created())
    await adapter.send(WHATSAPP, TO, BODY)
    assert form(seen[0]) == {"To": f"whatsapp:{TO}", "From": f"whatsapp:{WA_FROM}", "Body": BODY}


async def test_whatsapp_without_a_sender_is_permanent_and_sends_nothing() -> None:
    adapter, seen = sender(lambda _: created(), whatsapp_from=None)
    with pytest.raises(TextMessageError) as caught:
        await adapter.send(WHATSAPP, TO, BODY)
    assert caught.value.permanent
    assert seen == []


async def test_unknown_channel_is_permanent() -> None:
    adapter, seen = sender(lambda _: created())
    with pytest.raises(TextMessageError) as caught:
        await adapter.send("pigeon", TO, BODY)
    assert caught.value.permanent
    assert seen == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, 21211),  # invalid To
        (400, 21610),  # recipient sent STOP
        (400, 21408),  # region not enabled
        (400, 21612),  # cannot route
        (400, 21614),  # not a mobile number
        (400, 63016),  # WhatsApp outside the 24-hour window
        (401, 20003),  # bad credentials
    ],
)
async def test_refusals_are_permanent_with_the_code(status: int, code: int) -> None:
    adapter, _ = sender(lambda _: twilio_error(status, code))
    with pytest.raises(TextMessageError) as caught:
        await adapter.send(SMS, TO, BODY)
    assert caught.value.permanent
    assert caught.value.code == code
    assert f"HTTP {status}" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "code"),
    [(429, 20429), (400, 20429), (500, 20500), (503, 20503), (502, None)],
)
async def test_throttling_and_server_errors_are_transient(status: int, code: int | None) -> None:
    def reply(_: httpx.Request) -> httpx.Response:
        if code is None:
            return httpx.Response(status, text="<html>Bad Gateway</html>")
        return twilio_error(status, code)

    adapter, _ = sender(reply)
    with pytest.raises(TextMessageError) as caught:
        await adapter.send(SMS, TO, BODY)
    assert not caught.value.permanent
    assert caught.value.code == code


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("server hung up"),
    ],
)
async def test_timeouts_and_connection_errors_are_transient(exc: Exception) -> None:
    def boom(_: httpx.Request) -> httpx.Response:
        raise exc

    adapter, _ = sender(boom)
    with pytest.raises(TextMessageError) as caught:
        await adapter.send(SMS, TO, BODY)
    assert not caught.value.permanent
    assert caught.value.code is None


async def test_an_accepted_reply_without_a_sid_is_transient() -> None:
    adapter, _ = sender(lambda _: httpx.Response(201, json={"status": "queued"}))
    with pytest.raises(TextMessageError) as caught:
        await adapter.send(SMS, TO, BODY)
    assert not caught.value.permanent


async def test_errors_and_logs_never_carry_the_body_or_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    echo = f"Body {BODY} rejected for {TOKEN}"
    adapter, _ = sender(lambda _: twilio_error(400, 21617, echo))
    with caplog.at_level(logging.DEBUG), pytest.raises(TextMessageError) as caught:
        await adapter.send(SMS, TO, BODY)
    text = str(caught.value) + caplog.text
    assert "21617" in str(caught.value)
    assert BODY not in text
    assert TOKEN not in text


def test_repr_hides_the_token() -> None:
    adapter, _ = sender(lambda _: created())
    shown = repr(adapter)
    assert SID in shown
    assert TOKEN not in shown


async def test_otp_text_carries_the_code_and_lifetime() -> None:
    texts = InMemoryTextMessageSender()
    await TextOtpSender(texts, WHATSAPP).send("salon-1", TO, "123456")
    [(channel, to, body, provider_id)] = texts.sent
    assert (channel, to) == (WHATSAPP, TO)
    assert body == "Your SalonHub verification code is 123456. It expires in 10 minutes."
    assert provider_id.startswith("SM")


async def test_otp_failures_propagate_and_scripted_failures_run_out() -> None:
    texts = InMemoryTextMessageSender()
    texts.fail_next(2, permanent=True, code=21610)
    otp = TextOtpSender(texts)
    for _ in range(2):
        with pytest.raises(TextMessageError) as caught:
            await otp.send("salon-1", TO, "123456")
        assert (caught.value.permanent, caught.value.code) == (True, 21610)
    await otp.send("salon-1", TO, "654321")
    assert [(c, t) for c, t, _, _ in texts.sent] == [(SMS, TO)]
    assert "654321" in texts.last_body(TO)
