"""TwilioTextMessageSender against the texting sandbox served by uvicorn over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from adapters.outbound.texting import TextOtpSender, TwilioTextMessageSender
from application.ports.text_messages import SMS, WHATSAPP, TextMessageError
from entrypoints.texting_sandbox import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_SMS_FROM,
    DEFAULT_WHATSAPP_FROM,
    create_texting_sandbox_app,
)

from .meta_sandbox_fixtures import app_in_thread

TO = "+919876543210"


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with app_in_thread(create_texting_sandbox_app(), "texting sandbox") as url:
        yield url


@pytest.fixture
def control(sandbox_url: str) -> Iterator[httpx.Client]:
    """A client on the control API of a freshly reset sandbox."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        assert client.post("/_sandbox/reset").status_code == 200
        yield client


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def twilio(
    http: httpx.AsyncClient, url: str, *, auth_token: str = DEFAULT_AUTH_TOKEN
) -> TwilioTextMessageSender:
    return TwilioTextMessageSender(
        http,
        base_url=url,
        account_sid=DEFAULT_ACCOUNT_SID,
        auth_token=auth_token,
        sms_from=DEFAULT_SMS_FROM,
        whatsapp_from=DEFAULT_WHATSAPP_FROM,
    )


def messages(control: httpx.Client, to: str | None = None) -> list[dict[str, object]]:
    r = control.get("/_sandbox/messages", params={"to": to} if to else None)
    assert r.status_code == 200, r.text
    got: list[dict[str, object]] = r.json()["messages"]
    return got


async def test_sms_and_whatsapp_arrive(
    control: httpx.Client, http: httpx.AsyncClient, sandbox_url: str
) -> None:
    sender = twilio(http, sandbox_url)
    sms = await sender.send(SMS, TO, "See you at 4pm")
    wa = await sender.send(WHATSAPP, TO, "Booked: Cut, Tue 4pm")
    await sender.send(SMS, "+14155550100", "someone else")
    assert sms.status == wa.status == "queued"
    assert sms.provider_id.startswith("SM") and len(sms.provider_id) == 34
    got = messages(control, to=TO)
    assert [(m["sid"], m["channel"], m["to"], m["from"], m["body"]) for m in got] == [
        (sms.provider_id, "sms", TO, DEFAULT_SMS_FROM, "See you at 4pm"),
        (
            wa.provider_id,
            "whatsapp",
            f"whatsapp:{TO}",
            f"whatsapp:{DEFAULT_WHATSAPP_FROM}",
            "Booked: Cut, Tue 4pm",
        ),
    ]
    assert len(messages(control)) == 3


async def test_bad_auth_is_permanent(
    control: httpx.Client, http: httpx.AsyncClient, sandbox_url: str
) -> None:
    with pytest.raises(TextMessageError) as caught:
        await twilio(http, sandbox_url, auth_token="wrong").send(SMS, TO, "hi")
    assert (caught.value.permanent, caught.value.code) == (True, 20003)
    assert messages(control) == []


async def test_opted_out_recipient_is_permanent(
    control: httpx.Client, http: httpx.AsyncClient, sandbox_url: str
) -> None:
    assert control.post("/_sandbox/opt-outs", json={"phone": TO}).status_code == 201
    sender = twilio(http, sandbox_url)
    for channel in (SMS, WHATSAPP):
        with pytest.raises(TextMessageError) as caught:
            await sender.send(channel, TO, "hi")
        assert (caught.value.permanent, caught.value.code) == (True, 21610)
    await sender.send(SMS, "+14155550100", "still fine")
    assert [m["to"] for m in messages(control)] == ["+14155550100"]


async def test_invalid_number_is_permanent(
    control: httpx.Client, http: httpx.AsyncClient, sandbox_url: str
) -> None:
    with pytest.raises(TextMessageError) as caught:
        await twilio(http, sandbox_url).send(SMS, "98765", "hi")
    assert (caught.value.permanent, caught.value.code) == (True, 21211)


async def test_injected_outage_is_transient_then_succeeds(
    control: httpx.Client, http: httpx.AsyncClient, sandbox_url: str
) -> None:
    r = control.post("/_sandbox/failures", json={"status": 503, "times": 1})
    assert r.status_code == 200, r.text
    r = control.post("/_sandbox/failures", json={"status": 429, "code": 20429, "times": 1})
    assert r.json() == {"pending": 2}
    sender = twilio(http, sandbox_url)
    for expected in (20500, 20429):
        with pytest.raises(TextMessageError) as caught:
            await sender.send(SMS, TO, "retry me")
        assert (caught.value.permanent, caught.value.code) == (False, expected)
    assert messages(control) == []
    receipt = await sender.send(SMS, TO, "retry me")
    assert [m["sid"] for m in messages(control)] == [receipt.provider_id]


async def test_otp_code_reaches_the_phone(
    control: httpx.Client, http: httpx.AsyncClient, sandbox_url: str
) -> None:
    await TextOtpSender(twilio(http, sandbox_url), WHATSAPP).send("salon-1", TO, "482913")
    [message] = messages(control, to=TO)
    assert message["channel"] == "whatsapp"
    assert message["body"] == (
        "Your SalonHub verification code is 482913. It expires in 10 minutes."
    )


def test_sandbox_validates_like_twilio(control: httpx.Client) -> None:
    url = f"/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/Messages.json"
    auth = (DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN)

    def post(**fields: str) -> httpx.Response:
        return control.post(url, data=fields, auth=auth)

    cases = [
        ({"To": TO, "From": "+15550001111", "Body": "x"}, 21606),
        ({"To": TO, "From": DEFAULT_SMS_FROM, "Body": ""}, 21617),
        ({"To": TO, "From": DEFAULT_SMS_FROM, "Body": "x" * 1601}, 21617),
        ({"To": TO, "From": f"whatsapp:{DEFAULT_WHATSAPP_FROM}", "Body": "x"}, 21910),
    ]
    for fields, code in cases:
        r = post(**fields)
        assert r.status_code == 400, r.text
        assert r.json()["code"] == code
        assert r.json()["status"] == 400
    r = control.post(url, data={"To": TO, "From": DEFAULT_SMS_FROM, "Body": "x"})
    assert r.status_code == 401
    assert r.json()["code"] == 20003
    r = post(To=TO, From=DEFAULT_SMS_FROM, Body="x" * 1600)
    assert r.status_code == 201, r.text
    assert r.json()["num_segments"] == "10"
    assert r.json()["account_sid"] == DEFAULT_ACCOUNT_SID
    assert len(messages(control)) == 1
