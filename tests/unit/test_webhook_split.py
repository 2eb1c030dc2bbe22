"""split_delivery, millis and the table of kinds: events, kinds and dedup keys of Meta
deliveries (META.md)."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.inbound.webhooks.meta_delivery import split_delivery
from domain.webhook_kinds import KINDS, EventKind, Source, stored_kind, subscribed_fields
from domain.webhooks import InboundEvent, millis


def split(body: Any) -> list[InboundEvent]:
    return split_delivery(body, json.dumps(body).encode())


def one(body: Any) -> InboundEvent:
    events = split(body)
    assert len(events) == 1, events
    return events[0]


def page(*items: dict[str, Any], entry_id: str = "PAGE1", time: Any = 1700000000) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": entry_id, "time": time, "messaging": list(items)}]}


def item(ts: Any = 1700000000123, sender: str = "USER1", **event: Any) -> dict[str, Any]:
    return {"sender": {"id": sender}, "recipient": {"id": "PAGE1"}, "timestamp": ts, **event}


def change(field: str, value: Any, entry_id: str = "APP1", time: Any = 1700000000) -> Any:
    return {
        "object": "application",
        "entry": [{"id": entry_id, "time": time, "changes": [{"field": field, "value": value}]}],
    }


# --- millis ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1700000000, 1700000000000),
        (1700000000.5, 1700000000500),
        (1700000000123, 1700000000123),
        ("1700000000", 1700000000000),
        (" 1700000000123 ", 1700000000123),
        ("1700000000.25", 1700000000250),
        (1, 1000),
    ],
)
def test_millis_normalises_seconds_milliseconds_and_strings(value: Any, expected: int) -> None:
    assert millis(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -1,
        -1700000000,
        math.nan,
        math.inf,
        -math.inf,
        "",
        "soon",
        "nan",
        "1e400",
        "0x10",
        10**30,
        1e300,
        7.7e-224,  # found by hypothesis: rounded to 0 ms, which is no time at all
        "0.0000001",
        [],
        {},
        {"seconds": 1},
    ],
)
def test_millis_of_garbage_is_none(value: Any) -> None:
    assert millis(value) is None


# --- kinds ---


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ({"message": {"mid": "m1", "text": "hi"}}, "message"),
        ({"message": {"mid": "m1", "text": "hi", "is_echo": True}}, "echo"),
        (
            {
                "message": {
                    "mid": "m1",
                    "attachments": [
                        {"type": "image", "payload": {}},
                        {"type": "appointment_booking", "payload": {"booking_id": "b1"}},
                    ],
                }
            },
            "appointment",
        ),
        ({"postback": {"mid": "m1", "title": "Book", "payload": "BOOK"}}, "postback"),
        ({"referral": {"ref": "x", "source": "SHORTLINK", "type": "OPEN_THREAD"}}, "referral"),
        ({"read": {"watermark": 1700000000000}}, "read"),
        ({"delivery": {"mids": ["m1"], "watermark": 1700000000000}}, "delivery"),
    ],
)
def test_messaging_kinds(event: dict[str, Any], kind: str) -> None:
    e = one(page(item(**event)))
    assert e.kind == kind
    assert e.object == "page"
    assert e.entry_id == "PAGE1"
    assert e.sender_id == "USER1"
    assert e.recipient_id == "PAGE1"
    assert e.timestamp_ms == 1700000000123
    assert dict(e.payload) == item(**event)


def test_change_kind_and_fields() -> None:
    e = one(change("permissions", {"verb": "granted", "target_ids": ["1"]}))
    assert e.kind is EventKind.APP_CHANGE  # told apart by the object, not the field
    assert e.label == "change:permissions"
    assert e.object == "application"
    assert e.entry_id == "APP1"
    assert e.sender_id is None and e.recipient_id is None
    assert e.timestamp_ms == 1700000000000
    assert dict(e.payload) == {
        "field": "permissions",
        "value": {"verb": "granted", "target_ids": ["1"]},
    }
    assert e.conversation == "application:APP1"


def test_conversation_pairs_sender_and_recipient_either_way() -> None:
    inbound = one(page(item(message={"mid": "a"})))
    outbound = one(
        page({"sender": {"id": "PAGE1"}, "recipient": {"id": "USER1"}, "message": {"mid": "b"}})
    )
    assert inbound.conversation == outbound.conversation == "page:PAGE1:PAGE1|USER1"


# --- the table of kinds ---


def test_the_page_subscription_is_derived_from_the_table() -> None:
    assert subscribed_fields() == (
        "messages",
        "messaging_postbacks",
        "messaging_referrals",
        "message_echoes",
    )


def test_every_kind_has_exactly_one_rule_and_each_source_ends_with_a_catch_all() -> None:
    assert sorted(r.kind for r in KINDS) == sorted(EventKind)
    for source, last in (
        (Source.MESSAGING, EventKind.UNKNOWN),
        (Source.CHANGE, EventKind.OTHER_CHANGE),
    ):
        rows = [r for r in KINDS if r.source is source]
        assert rows[-1].kind is last
        assert rows[-1].detect("anything", {"x": 1})


@pytest.mark.parametrize(
    ("obj", "kind"),
    [
        ("permissions", EventKind.PERMISSION_CHANGE),
        ("application", EventKind.APP_CHANGE),
        ("page", EventKind.OTHER_CHANGE),
    ],
)
def test_change_kinds_come_from_the_object_and_survive_storage(obj: str, kind: EventKind) -> None:
    e = one({"object": obj, "entry": [{"id": "1", "time": 1, "changes": [{"field": "f"}]}]})
    assert e.kind is kind
    assert stored_kind(e.label, e.object) is kind


def test_every_messaging_kind_survives_storage_and_odd_labels_are_unknown() -> None:
    for kind in EventKind:
        if kind.value.endswith("_change"):
            continue
        assert stored_kind(kind.value, "page") is kind
    assert stored_kind("from-the-future", "page") is EventKind.UNKNOWN


def test_a_message_with_other_keys_is_still_a_message() -> None:
    e = one(page(item(message={"mid": "m"}, postback={"mid": "p"}, read={"watermark": 1})))
    assert e.kind is EventKind.MESSAGE
    assert e.dedup_key == "mid:message:m"


# --- dedup keys ---


def test_messages_are_keyed_by_mid_across_deliveries() -> None:
    first = one(page(item(ts=1, message={"mid": "mid.1", "text": "hi"})))
    # Another delivery, other envelope, other timestamp: the same message.
    again = one(
        {
            "object": "page",
            "entry": [
                {"id": "PAGE1", "time": 5, "messaging": [item(ts=2, message={"mid": "mid.1"})]}
            ],
        }
    )
    assert first.dedup_key == again.dedup_key
    assert "mid.1" in first.dedup_key
    other = one(page(item(message={"mid": "mid.2", "text": "hi"})))
    assert other.dedup_key != first.dedup_key


def test_echo_and_appointment_share_the_message_key_space() -> None:
    message = one(page(item(message={"mid": "m"})))
    echo = one(page(item(message={"mid": "m", "is_echo": True})))
    assert message.dedup_key == echo.dedup_key


def test_a_message_and_a_postback_with_the_same_mid_differ() -> None:
    message = one(page(item(message={"mid": "same"})))
    postback = one(page(item(postback={"mid": "same", "payload": "P"})))
    postback_again = one(page(item(ts=99, postback={"mid": "same", "payload": "P"})))
    assert message.dedup_key != postback.dedup_key
    assert postback.dedup_key == postback_again.dedup_key


def test_changes_are_keyed_by_field_entry_time_and_value() -> None:
    value = {"verb": "granted", "target_ids": ["1", "2"]}
    base = one(change("permissions", value)).dedup_key
    assert one(change("permissions", dict(reversed(list(value.items()))))).dedup_key == base
    assert one(change("permissions", value, time="1700000000")).dedup_key == base
    assert one(change("permissions", value, time=1700000000000)).dedup_key == base
    others = {
        one(change("permissions", {"verb": "revoked", "target_ids": ["1", "2"]})).dedup_key,
        one(change("feed", value)).dedup_key,
        one(change("permissions", value, entry_id="APP2")).dedup_key,
        one(change("permissions", value, time=1700000001)).dedup_key,
    }
    assert base not in others
    assert len(others) == 4


@pytest.mark.parametrize(
    "event",
    [
        {"read": {"watermark": 1700000000000}},
        {"delivery": {"mids": ["m1"], "watermark": 1700000000000}},
        {"referral": {"ref": "x", "source": "ADS"}},
        {"reaction": {"reaction": "love", "action": "react"}},
        {"optin": {"ref": "x"}},
        {"something_new": {"a": 1}},
    ],
)
def test_other_messaging_events_are_keyed_by_their_hash(event: dict[str, Any]) -> None:
    e = one(page(item(**event)))
    assert one(page(item(**event), time=42)).dedup_key == e.dedup_key  # resent in another batch
    assert one(page(item(ts=1700000000999, **event))).dedup_key != e.dedup_key
    assert one(page(item(sender="USER2", **event))).dedup_key != e.dedup_key
    assert not e.dedup_key.startswith("raw:")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"object": "page"},
        {"object": "page", "entry": []},
        {"object": "page", "entry": [{"id": "1", "messaging": []}]},
        {"object": "page", "entry": "nope"},
        {"object": "page", "entry": [1, "x", None]},
        {"object": "page", "entry": [{"messaging": [1, "x"], "changes": [None]}]},
        [],
        [{"object": "page"}],
        42,
        3.5,
        "text",
        None,
        True,
    ],
)
def test_an_envelope_without_events_is_one_unknown_event_keyed_by_raw(body: Any) -> None:
    raw = json.dumps(body).encode()
    events = split_delivery(body, raw)
    assert len(events) == 1
    e = events[0]
    assert e.kind == "unknown"
    assert e.dedup_key == f"raw:{hashlib.sha256(raw).hexdigest()}"
    assert e.timestamp_ms is None
    assert isinstance(e.payload, dict)
    if isinstance(body, dict):
        assert dict(e.payload) == body
    else:
        assert body in e.payload.values()


def test_several_entries_and_items_all_come_out_in_order() -> None:
    body = {
        "object": "page",
        "entry": [
            {
                "id": "P1",
                "time": 1,
                "messaging": [
                    item(message={"mid": "a"}),
                    item(read={"watermark": 1}),
                    item(postback={"mid": "b", "payload": "x"}),
                ],
            },
            {"id": "P2", "time": 2, "changes": [{"field": "feed", "value": {"v": 1}}]},
            {"id": "P3", "time": 3, "messaging": [item(message={"mid": "c", "is_echo": True})]},
        ],
    }
    events = split(body)
    assert [(e.entry_id, e.label) for e in events] == [
        ("P1", "message"),
        ("P1", "read"),
        ("P1", "postback"),
        ("P2", "change:feed"),  # the label: what the inbox stores and the owner reads
        ("P3", "echo"),
    ]
    assert len({e.dedup_key for e in events}) == 5


def test_timestamps_in_seconds_strings_and_garbage() -> None:
    events = split(
        page(
            item(ts=1700000000, message={"mid": "s"}),
            item(ts="1700000000123", message={"mid": "ms"}),
            item(ts="yesterday", message={"mid": "g"}),
            item(ts=True, message={"mid": "b"}),
            item(ts=-5, message={"mid": "n"}),
        )
    )
    assert [e.timestamp_ms for e in events] == [1700000000000, 1700000000123, None, None, None]


def test_unknown_fields_are_kept_and_odd_shapes_do_not_raise() -> None:
    weird = {
        "sender": "not-a-dict",
        "recipient": {"id": 12345},
        "timestamp": [1],
        "message": {"mid": 7, "text": None, "attachments": "nope", "brand_new": {"x": [1]}},
        "future_field": {"nested": True},
    }
    e = one(page(weird))
    assert dict(e.payload) == weird
    assert e.kind == "message"
    assert e.sender_id in (None, "not-a-dict")  # a bare id is tolerated
    assert e.recipient_id == "12345"
    assert e.timestamp_ms is None
    assert e.dedup_key.startswith("evt:")  # a non-string mid is no mid


def test_huge_ids_and_mids_give_bounded_keys() -> None:
    e = one(page(item(sender="u" * 10_000, message={"mid": "m" * 10_000})))
    assert len(e.dedup_key) <= 600
    c = one(change("f" * 10_000, {"v": "x" * 10_000}, entry_id="e" * 10_000))
    assert len(c.dedup_key) <= 600
    assert len(c.label) <= 80


# --- never raises ---

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=40,
)

meta_keys = st.sampled_from(
    [
        "object",
        "entry",
        "id",
        "time",
        "messaging",
        "standby",
        "changes",
        "field",
        "value",
        "sender",
        "recipient",
        "timestamp",
        "message",
        "postback",
        "mid",
        "is_echo",
        "attachments",
        "type",
        "read",
        "referral",
    ]
)

meta_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(meta_keys | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=60,
)


def check_any(body: Any) -> None:
    raw = json.dumps(body, default=str).encode()
    events = split_delivery(body, raw)
    assert len(events) >= 1
    for e in events:
        assert 0 < len(e.dedup_key) <= 600
        assert e.kind
        assert e.timestamp_ms is None or e.timestamp_ms > 0
        assert isinstance(e.conversation, str)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json_never_raises(body: Any) -> None:
    check_any(body)


@settings(max_examples=300, deadline=None)
@given(meta_like)
def test_meta_shaped_json_never_raises(body: Any) -> None:
    check_any(body)
    check_any({"object": "page", "entry": [body]})
    check_any({"object": "page", "entry": [{"id": "1", "messaging": [body]}]})
    check_any({"object": "page", "entry": [{"id": "1", "changes": [body]}]})
