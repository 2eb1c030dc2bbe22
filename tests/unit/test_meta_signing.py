"""StateSigner (our login `state`) and parse_signed_request (Meta's `signed_request`): the
right input verifies; anything else is None, never an exception."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.meta.signing import StateClaims, StateSigner, parse_signed_request

SECRET = b"s" * 32
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
CLAIMS = StateClaims("nonce-1", "salon-1", "owner-1", NOW + timedelta(minutes=10))
APP_SECRET = "app-secret-123"
META_PAYLOAD: dict[str, Any] = {"user_id": "123", "algorithm": "HMAC-SHA256", "issued_at": 1}
# Any text, leaning on the characters that matter here: separators, padding, base64url,
# non-ASCII and lone surrogates (which cannot even be encoded).
# (st.text drops surrogates even when its alphabet yields them, hence lists joined.)
ANY_TEXT = st.lists(
    st.sampled_from(list(".=-_/+aZ09é\x00\ud800")) | st.characters(exclude_categories=())
).map("".join)


def b64(data: bytes, *, pad: bool = False) -> str:
    text = base64.urlsafe_b64encode(data).decode()
    return text if pad else text.rstrip("=")


def signer(secret: bytes = SECRET) -> StateSigner:
    return StateSigner(secret)


def with_our_mac(payload: bytes) -> str:
    """A state whose MAC is right but whose payload is `payload` (reaches the claims parser)."""
    segment = b64(payload)
    return f"{segment}.{signer()._mac(segment)}"


# --- StateSigner ---


def test_round_trip() -> None:
    state = signer().sign(CLAIMS)
    assert signer().verify(state, NOW) == CLAIMS
    assert signer().verify(state, CLAIMS.expires_at - timedelta(seconds=1)) == CLAIMS


def test_expired_at_and_after_expires_at() -> None:
    state = signer().sign(CLAIMS)
    assert signer().verify(state, CLAIMS.expires_at) is None
    assert signer().verify(state, CLAIMS.expires_at + timedelta(days=1)) is None


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        StateSigner(b"short")


def test_tampered_payload_mac_or_secret() -> None:
    state = signer().sign(CLAIMS)
    payload, mac = state.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = b64(json.dumps({**body, "s": "salon-2"}, separators=(",", ":")).encode())
    assert signer().verify(f"{forged}.{mac}", NOW) is None
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert signer().verify(f"{payload}.{flipped}", NOW) is None
    assert signer().verify(f"{payload}.", NOW) is None
    assert signer().verify(f"{payload}.{mac}=", NOW) is None
    assert signer(b"t" * 32).verify(state, NOW) is None
    assert signer().verify(signer(b"t" * 32).sign(CLAIMS), NOW) is None


@pytest.mark.parametrize(
    "state",
    [
        "",
        ".",
        "nodot",
        "a.b.c",
        "..",
        "!!!.???",
        "a" * 1_000_000,
        "a" * 600 + "." + "b" * 600,
        "é.é",
        "\x00.\x00",
        "\ud800.\udfff",  # lone surrogates: not even encodable
    ],
)
def test_garbage_states_are_none(state: str) -> None:
    assert signer().verify(state, NOW) is None


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"",
        b"\xff\xfe",
        b"[]",
        b"null",
        b'"text"',
        b"123",
        b"NaN",
        b"{}",
        b'{"n":"x","s":"y","o":"z"}',  # no expiry
        b'{"n":"x","s":"y","e":9999999999}',  # no owner
        b'{"n":"x","s":"y","o":"z","e":"soon"}',
        b'{"n":"x","s":"y","o":"z","e":null}',
        b'{"n":"x","s":"y","o":"z","e":[1]}',
        b'{"n":"x","s":"y","o":"z","e":1e400}',
        b'{"n":"x","s":"y","o":"z","e":NaN}',
        b'{"n":"x","s":"y","o":"z","e":-1e300}',
        b'{"n":"x","s":"y","o":"z","e":100000000000000000000}',
    ],
)
def test_a_right_mac_over_bad_claims_is_none(payload: bytes) -> None:
    assert signer().verify(with_our_mac(payload), NOW) is None


@given(ANY_TEXT)
def test_arbitrary_text_never_raises(state: str) -> None:
    claims = signer().verify(state, NOW)
    assert claims is None or signer().sign(claims) == state


@given(ANY_TEXT, ANY_TEXT)
def test_arbitrary_two_part_text_never_raises(payload: str, mac: str) -> None:
    assert signer().verify(f"{payload}.{mac}", NOW) is None


@given(
    st.builds(
        StateClaims,
        st.text(max_size=16),
        st.text(max_size=16),
        st.text(max_size=16),
        st.integers(1, 2**33).map(lambda s: datetime.fromtimestamp(s, UTC)),
    ),
    st.data(),
)
def test_round_trip_and_any_one_char_change_breaks_it(
    claims: StateClaims, data: st.DataObject
) -> None:
    state = signer().sign(claims)
    before = claims.expires_at - timedelta(seconds=1)
    assert signer().verify(state, before) == claims
    assert signer().verify(state, claims.expires_at) is None
    index = data.draw(st.integers(0, len(state) - 1))
    char = data.draw(st.characters().filter(lambda c: c != state[index]))
    assert signer().verify(state[:index] + char + state[index + 1 :], before) is None


# --- parse_signed_request ---


def signed_request(
    payload: Any, secret: str = APP_SECRET, *, pad: bool = False, raw: bytes | None = None
) -> str:
    body = raw if raw is not None else json.dumps(payload).encode()
    segment = b64(body, pad=pad)
    sig = hmac.new(secret.encode(), segment.encode(), hashlib.sha256).digest()
    return f"{b64(sig, pad=pad)}.{segment}"


def test_a_real_signed_request_parses() -> None:
    assert parse_signed_request(signed_request(META_PAYLOAD), APP_SECRET) == META_PAYLOAD


@pytest.mark.parametrize("filler", ["", "x", "xx"])  # every base64 remainder
@pytest.mark.parametrize("pad", [False, True])
def test_padded_and_unpadded(filler: str, pad: bool) -> None:
    payload = {**META_PAYLOAD, "f": filler}
    request = signed_request(payload, pad=pad)
    assert parse_signed_request(request, APP_SECRET) == payload
    sig, segment = request.split(".")
    assert sig.endswith("=") is pad  # a 32-byte MAC always needs padding
    if pad:
        unpadded_sig = f"{sig.rstrip('=')}.{segment}"  # same bytes, other spelling
        assert parse_signed_request(unpadded_sig, APP_SECRET) == payload


def test_wrong_secret_or_tampering_is_none() -> None:
    request = signed_request(META_PAYLOAD)
    assert parse_signed_request(request, "other-secret") is None
    assert parse_signed_request(signed_request(META_PAYLOAD, "other-secret"), APP_SECRET) is None
    sig, _ = request.split(".")
    other = b64(json.dumps({**META_PAYLOAD, "user_id": "999"}).encode())
    assert parse_signed_request(f"{sig}.{other}", APP_SECRET) is None
    assert parse_signed_request(f"{sig[:-2]}.{request.split('.')[1]}", APP_SECRET) is None


@pytest.mark.parametrize(
    "payload",
    [
        {**META_PAYLOAD, "algorithm": "HMAC-SHA1"},
        {**META_PAYLOAD, "algorithm": "none"},
        {"user_id": "123", "issued_at": 1},  # no algorithm
        {"algorithm": "HMAC-SHA256", "issued_at": 1},  # no user_id
        {**META_PAYLOAD, "user_id": ""},
        {**META_PAYLOAD, "user_id": None},
        {**META_PAYLOAD, "user_id": ["123"]},
        ["user_id", "123"],
        "HMAC-SHA256",
        None,
    ],
)
def test_a_signed_but_unacceptable_payload_is_none(payload: Any) -> None:
    assert parse_signed_request(signed_request(payload), APP_SECRET) is None


@pytest.mark.parametrize("raw", [b"not json", b"", b"\xff\xfe", b"{", b"NaN"])
def test_a_signed_non_json_payload_is_none(raw: bytes) -> None:
    assert parse_signed_request(signed_request(None, raw=raw), APP_SECRET) is None


@pytest.mark.parametrize(
    "request_text",
    [
        *["", ".", "nodot", "a.b.c", "..", "!!!.???", "a.b", "é.é", "\ud800.\udfff"],
        *["a" * 100_000, "a." + "b" * 100_000],
    ],
)
def test_garbage_signed_requests_are_none(request_text: str) -> None:
    assert parse_signed_request(request_text, APP_SECRET) is None


@given(ANY_TEXT)
def test_parse_arbitrary_text_never_raises(request_text: str) -> None:
    assert parse_signed_request(request_text, APP_SECRET) is None


@given(st.binary(max_size=64), st.binary(max_size=300), st.booleans())
def test_parse_arbitrary_base64_parts_never_raises(sig: bytes, body: bytes, pad: bool) -> None:
    request = f"{b64(sig, pad=pad)}.{b64(body, pad=pad)}"
    assert parse_signed_request(request, APP_SECRET) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "user_id": JSON,
            "algorithm": st.sampled_from(["HMAC-SHA256", "hmac-sha256", "RS256", ""]) | JSON,
            "issued_at": JSON,
        },
    )
    | JSON
)
def test_any_signed_json_never_raises(payload: Any) -> None:
    parsed = parse_signed_request(signed_request(payload), APP_SECRET)
    if parsed is not None:
        assert parsed == payload
        assert str(parsed["algorithm"]).upper() == "HMAC-SHA256"
        assert parsed["user_id"] not in (None, "", [], {})
