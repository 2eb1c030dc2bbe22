"""The assistant's wire formats: the quick-reply payload codec and the stored conversation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.messaging.conversation import Conversation, Step
from application.messaging.payloads import (
    CANCEL,
    CANCEL_YES,
    RESCHEDULE,
    Book,
    ChooseDay,
    ChooseService,
    ChooseTime,
    Keep,
    Manage,
    Other,
    Payload,
    decode,
    encode,
)

# The strings as they are in queued messages and in customers' threads today.
WIRE = [
    ("BOOK", Book()),
    ("KEEP", Keep()),
    ("SVC:svc-1", ChooseService("svc-1")),
    ("DAY:2026-12-04", ChooseDay("2026-12-04")),
    ("TIME:2026-12-04T05:30:00+00:00", ChooseTime("2026-12-04T05:30:00+00:00")),
    ("MANAGE:RESCHEDULE:b-1", Manage(RESCHEDULE, "b-1")),
    ("MANAGE:CANCEL:b-1", Manage(CANCEL, "b-1")),
    ("MANAGE:CANCEL_YES:b:with:colons", Manage(CANCEL_YES, "b:with:colons")),
    ("DAY:not-a-day", ChooseDay("not-a-day")),  # kept for the step to reject
    ("BOOK:x", Other("BOOK:x")),
    ("hello", Other("hello")),
]


@pytest.mark.parametrize(("wire", "payload"), WIRE)
def test_the_wire_format_is_unchanged(wire: str, payload: Payload) -> None:
    assert decode(wire) == payload
    assert encode(payload) == wire


def test_no_payload_is_none() -> None:
    assert decode(None) is None
    assert decode("") is None


def test_values_are_encoded_as_iso() -> None:
    assert encode(ChooseDay.of(date(2026, 12, 4))) == "DAY:2026-12-04"
    start = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)
    assert encode(ChooseTime.of(start)) == "TIME:2026-12-04T05:30:00+00:00"
    assert datetime.fromisoformat(encode(ChooseTime.of(start)).removeprefix("TIME:")) == start


_text = st.text(max_size=40)
payloads = st.one_of(
    st.just(Book()),
    st.just(Keep()),
    st.builds(ChooseService, _text),
    st.builds(ChooseDay, _text),
    st.builds(ChooseTime, _text),
    st.builds(Manage, st.text(max_size=12).filter(lambda a: ":" not in a), _text),
    st.builds(Other, _text).filter(lambda p: isinstance(decode(p.raw), Other)),
)


@given(payloads)
def test_every_payload_round_trips(payload: Payload) -> None:
    assert decode(encode(payload)) == payload


@given(st.text(min_size=1, max_size=60))
def test_any_string_decodes_to_a_payload_that_is_stable(raw: str) -> None:
    payload = decode(raw)
    assert payload is not None
    assert decode(encode(payload)) == payload


STORED = [  # rows as the assistant (and Meta appointment offers) have written them
    {"step": "service"},
    {"service": "svc-1"},
    {"service": "svc-1", "step": "day"},
    {"service": "svc-1", "step": "time", "day": "2026-12-04"},
    {"service": "svc-1", "step": "name", "day": "2026-12-04", "start": "2026-12-04T05:30:00+00:00"},
    {"service": "svc-1", "reschedule": "b-1", "step": "day"},
    {"service": "svc-1", "step": "time", "offer": "meta_appointment"},
]


@pytest.mark.parametrize("row", STORED)
def test_stored_conversations_keep_their_json_shape(row: dict[str, str]) -> None:
    assert Conversation.from_json(row).to_json() == row


def test_the_conversation_reads_odd_rows() -> None:
    assert Conversation.from_json(None).empty
    assert Conversation.from_json({}).to_json() == {}
    odd = Conversation.from_json({"step": "lost", "service": 7, "extra": True})
    assert odd == Conversation(step=None, service="7")
    assert Conversation.from_json({"step": "name"}).step is Step.NAME
