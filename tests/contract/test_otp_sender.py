"""Contract: OtpSender over every adapter — the in-memory log, the embedded dev inbox (SQL) and
the text message through Twilio's API (the texting sandbox over real HTTP)."""

from __future__ import annotations

import pytest

from application.ports.text_messages import TextMessageError

from .builders import new_id
from .messaging_harness import OtpCase

PHONE, OTHER = "+919876543210", "+919800000001"


async def test_the_code_reaches_that_phone_and_no_other(otp_case: OtpCase) -> None:
    salon = new_id()
    await otp_case.sender.send(salon, PHONE, "123456")
    await otp_case.sender.send(salon, OTHER, "654321")
    await otp_case.sender.send(salon, PHONE, "777777")
    assert await otp_case.received(salon, PHONE) == ["123456", "777777"]
    assert await otp_case.received(salon, OTHER) == ["654321"]


async def test_a_failure_it_cannot_retry_itself_propagates_as_transient(
    failing_otp_case: OtpCase,
) -> None:
    otp_case = failing_otp_case
    assert otp_case.outage is not None
    otp_case.outage()
    with pytest.raises(TextMessageError) as refused:
        await otp_case.sender.send(new_id(), PHONE, "123456")
    assert not refused.value.permanent
    assert await otp_case.received("", PHONE) == []
