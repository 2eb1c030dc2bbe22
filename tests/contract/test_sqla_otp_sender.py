"""SqlaOtpSender (the embedded OtpSender): stores codes, logs masked phones only."""

from __future__ import annotations

import logging

import pytest

from adapters.outbound.persistence import Database
from adapters.outbound.persistence.otp_sender import SqlaOtpSender, mask_phone

from .builders import new_id


async def test_sent_codes_come_back_newest_first(sql_database: Database) -> None:
    outbox = SqlaOtpSender(sql_database)
    salon, other = new_id(), new_id()
    await outbox.send(salon, "+919800000001", "111111")
    await outbox.send(salon, "+919800000002", "222222")
    await outbox.send(other, "+919800000001", "333333")
    await outbox.send(salon, "+919800000001", "444444")

    recent = await outbox.recent(salon)
    assert [(r["phone"], r["code"]) for r in recent] == [
        ("+919800000001", "444444"),
        ("+919800000002", "222222"),
        ("+919800000001", "111111"),
    ]
    assert all(r["created_at"].endswith("+00:00") for r in recent)
    assert [r["code"] for r in await outbox.recent(salon, "+919800000001")] == [
        "444444",
        "111111",
    ]
    assert [r["code"] for r in await outbox.recent(salon, limit=1)] == ["444444"]
    assert await outbox.recent(new_id()) == []


async def test_the_log_names_a_masked_phone_and_never_the_code(
    sql_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="adapters.outbound.persistence.otp_sender"):
        await SqlaOtpSender(sql_database).send(new_id(), "+919876543210", "987654")
    messages = [record.getMessage() for record in caplog.records]
    assert "otp for +91********10" in messages
    assert not any("987654" in message or "9876543210" in message for message in messages)


def test_mask_phone() -> None:
    assert mask_phone("+919876543210") == "+91********10"
    assert mask_phone("+1234") == "*****"
