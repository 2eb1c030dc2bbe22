"""No personal data or secrets in the logs: the masking processor, and the JSON configuration."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from adapters.inbound.request_scope import serving
from application.request_context import current_request_id
from entrypoints.logging_config import configure_logging
from entrypoints.redaction import REDACTED, mask_number, mask_text, redact


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+919876543210", "+91********10"),
        ("+14155552671", "+1********71"),
        ("+447911123456", "+44********56"),
        ("+91 98765 43210", "+91********10"),
        ("98765 43210", "********10"),
        ("098765-43210", "*********10"),
        ("(415) 555-2671", "(********71"),
        ("9876543210", "********10"),
    ],
)
def test_phone_numbers_keep_country_code_and_last_two_digits(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_phones_and_emails_inside_free_text_are_masked() -> None:
    line = "booked for Riya +919876543210 (riya.sharma@example.com), alt 98765 43210."
    assert mask_text(line) == ("booked for Riya +91********10 (r***@example.com), alt ********10.")


@pytest.mark.parametrize(
    "text",
    [
        "550e8400-e29b-41d4-a716-446655440000",
        "12345678-1234-1234-1234-123456789012",
        "2026-12-01T10:00:00+05:30",
        "2026-12-01 10:00:00",
        "GET /api/salons/{salon_id:str} 200 in 12.5 ms",
        "client 192.168.100.200:51234",
        "request id 3f2b9c0d1e2f4a5b6c7d8e9f00112233",
        "version 2.25.0, port 8000, 1234567 rows",
    ],
)
def test_ids_times_addresses_and_small_numbers_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_secret_keys_are_redacted_at_any_depth() -> None:
    event = {
        "event": "login",
        "password": "correct horse",
        "manage_token": "abc",
        "Authorization": "Bearer xyz",
        "otp": "123456",
        "code": "654321",
        "status_code": 201,
        "headers": {"authorization": "Bearer xyz", "x-api-key": "k", "accept": "*/*"},
        "customer": {"name": "Riya", "phone": "98765 43210", "email": "riya@example.com"},
        "phones": ["+919876543210"],
        "mobile": 919876543210,
        "empty_token": None,
    }
    out = redact(None, "info", dict(event))
    assert out == {
        "event": "login",
        "password": REDACTED,
        "manage_token": REDACTED,
        "Authorization": REDACTED,
        "otp": REDACTED,
        "code": REDACTED,
        "status_code": 201,
        "headers": {"authorization": REDACTED, "x-api-key": REDACTED, "accept": "*/*"},
        "customer": {"name": "Riya", "phone": "********10", "email": "r***@example.com"},
        "phones": ["+91********10"],
        "mobile": "**********10",
        "empty_token": None,
    }


def test_values_under_phone_keys_are_masked_whatever_their_shape() -> None:
    assert mask_number("98-76") == "**76"
    assert redact(None, "info", {"phone": "12"}) == {"phone": "**"}


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Configure logging as the CLI does, into a buffer; restore the test runner's after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("info", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        structlog.reset_defaults()


def test_stdlib_and_structlog_lines_are_json_with_the_request_id(json_logs: io.StringIO) -> None:
    with serving("req-42") as request_id:
        assert current_request_id() == request_id == "req-42"
        logging.getLogger("salonhub.test").info(
            "sent code to %s", "+919876543210", extra={"otp_token": "t0k", "attempt": 2}
        )
        structlog.get_logger("salonhub.test").warning("booked", email="riya@example.com")
    logging.getLogger("uvicorn.error").info("outside any request")
    first, second, third = (json.loads(line) for line in json_logs.getvalue().splitlines())
    assert first["event"] == "sent code to +91********10"
    assert first["otp_token"] == REDACTED and first["attempt"] == 2
    assert first["request_id"] == "req-42" and first["level"] == "info"
    assert first["logger"] == "salonhub.test" and "timestamp" in first
    assert second == {
        "event": "booked",
        "email": "r***@example.com",
        "request_id": "req-42",
        "level": "warning",
        "logger": "salonhub.test",
        "timestamp": second["timestamp"],
    }
    assert "request_id" not in third and third["logger"] == "uvicorn.error"
    assert current_request_id() is None


def test_a_weird_request_id_is_replaced_by_a_fresh_one() -> None:
    for weird in ("", "a" * 65, "id with spaces", "naïve", "x\r\nSet-Cookie: y"):
        with serving(weird) as request_id:
            assert request_id != weird and len(request_id) == 32
    with serving(None) as one, serving(None) as two:
        assert one != two
