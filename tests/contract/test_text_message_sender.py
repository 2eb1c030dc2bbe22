"""Contract: TextMessageSender — a text reaches the phone by SMS or WhatsApp and the receipt
names it; failures are TextMessageError, transient or permanent (a carrier STOP, with the
provider's code); the body is never logged. Over every adapter (conftest.py: text_case)."""

from __future__ import annotations

import logging

import pytest

from application.ports.text_messages import SMS, WHATSAPP, TextMessageError

from .messaging_harness import TextCase

TO = "+919876543210"
OTHER = "+14155550100"


async def test_sms_and_whatsapp_reach_the_phone(text_case: TextCase) -> None:
    sms = await text_case.sender.send(SMS, TO, "See you at 4pm")
    wa = await text_case.sender.send(WHATSAPP, OTHER, "Booked: Cut, Tue 4pm")
    assert text_case.delivered() == [
        (SMS, TO, "See you at 4pm", sms.provider_id),
        (WHATSAPP, OTHER, "Booked: Cut, Tue 4pm", wa.provider_id),
    ]
    assert sms.provider_id and wa.provider_id and sms.provider_id != wa.provider_id
    assert sms.status and wa.status


async def test_a_transient_failure_raises_and_the_next_send_goes_out(text_case: TextCase) -> None:
    text_case.outage()
    with pytest.raises(TextMessageError) as caught:
        await text_case.sender.send(SMS, TO, "retry me")
    assert caught.value.permanent is False
    assert text_case.delivered() == []
    receipt = await text_case.sender.send(SMS, TO, "retry me")
    assert text_case.delivered() == [(SMS, TO, "retry me", receipt.provider_id)]


async def test_a_carrier_stop_is_permanent_with_its_code(text_case: TextCase) -> None:
    text_case.carrier_stop(TO)
    with pytest.raises(TextMessageError) as caught:
        await text_case.sender.send(SMS, TO, "hi")
    assert (caught.value.permanent, caught.value.code) == (True, 21610)
    assert text_case.delivered() == []


async def test_the_body_is_never_logged(
    text_case: TextCase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await text_case.sender.send(SMS, TO, "Your code is 482913")
    text_case.carrier_stop(OTHER)
    with pytest.raises(TextMessageError) as caught:
        await text_case.sender.send(SMS, OTHER, "Your code is 771204")
    ours = [r for r in caplog.records if not r.name.startswith(("uvicorn", "entrypoints"))]
    logged = "\n".join(r.getMessage() for r in ours) + str(caught.value)
    assert "482913" not in logged and "771204" not in logged
