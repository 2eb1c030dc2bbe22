"""The token vault: AES-256-GCM with a key ring (real crypto), its key-ring parser, and the fake."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.outbound.crypto import AesGcmTokenVault, key_id, parse_key_ring
from adapters.outbound.memory.token_vault import InMemoryTokenVault
from application.ports.token_vault import TokenVault, TokenVaultError

TOKEN = "EAAG-page-token-0123456789abcdefXYZ"
CONTEXT = "meta_integrations:0f3c9a:page_token"
OLD_KEY = bytes(range(32))
NEW_KEY = bytes(range(100, 132))


def new_key() -> bytes:
    return secrets.token_bytes(32)


def swap_char(text: str, index: int) -> str:
    """`text` with the character at `index` replaced by another base64url character."""
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def field(sealed: str, n: int) -> str:
    return sealed.split(".")[n]


def with_field(sealed: str, n: int, value: str) -> str:
    parts = sealed.split(".")
    parts[n] = value
    return ".".join(parts)


# --- behaviour shared by the real vault and the fake -------------------------------------------

VAULTS: dict[str, Callable[[], TokenVault]] = {
    "aes_gcm": lambda: AesGcmTokenVault([new_key()]),
    "memory": InMemoryTokenVault,
}


@pytest.fixture(params=sorted(VAULTS))
def vault(request: pytest.FixtureRequest) -> TokenVault:
    return VAULTS[request.param]()


def test_round_trip(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    assert vault.decrypt(sealed, context=CONTEXT) == TOKEN
    assert not vault.needs_rotation(sealed)


def test_empty_plaintext_round_trips(vault: TokenVault) -> None:
    assert vault.decrypt(vault.encrypt("", context=CONTEXT), context=CONTEXT) == ""


def test_each_encryption_differs(vault: TokenVault) -> None:
    first = vault.encrypt(TOKEN, context=CONTEXT)
    second = vault.encrypt(TOKEN, context=CONTEXT)
    assert first != second
    assert vault.decrypt(first, context=CONTEXT) == vault.decrypt(second, context=CONTEXT)


@pytest.mark.parametrize(
    "other_context",
    [
        "meta_integrations:0f3c9b:page_token",  # another row
        "meta_integrations:0f3c9a:user_token",  # another field
        "meta_integrations:0f3c9a:page_token ",
        "x",
    ],
)
def test_wrong_context_fails(vault: TokenVault, other_context: str) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    with pytest.raises(TokenVaultError) as caught:
        vault.decrypt(sealed, context=other_context)
    assert TOKEN not in str(caught.value)


def test_empty_context_is_refused(vault: TokenVault) -> None:
    with pytest.raises(ValueError, match="context"):
        vault.encrypt(TOKEN, context="")
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    with pytest.raises(ValueError, match="context"):
        vault.decrypt(sealed, context="")


def test_sealed_value_and_repr_never_show_the_plaintext(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    assert TOKEN not in sealed
    assert sealed.isascii()
    assert TOKEN not in repr(vault)


def test_rotate_of_a_current_value_returns_it_unchanged(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    assert vault.rotate(sealed, context=CONTEXT) == sealed


def test_rotate_checks_the_context(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    with pytest.raises(TokenVaultError):
        vault.rotate(sealed, context="meta_integrations:other:page_token")


# --- the sealed format ------------------------------------------------------------------------


def test_sealed_format_names_the_key_by_hash() -> None:
    vault = AesGcmTokenVault([NEW_KEY])
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    version, kid, nonce, body = sealed.split(".")
    assert version == "v1"
    assert kid == hashlib.sha256(NEW_KEY).hexdigest()[:8] == key_id(NEW_KEY)
    assert len(base64.urlsafe_b64decode(nonce + "==")) == 12
    # ciphertext (same length as the UTF-8 plaintext) + 16-byte tag
    assert len(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == len(TOKEN) + 16
    assert "=" not in sealed


def test_nonces_are_fresh() -> None:
    vault = AesGcmTokenVault([NEW_KEY])
    nonces = {field(vault.encrypt(TOKEN, context=CONTEXT), 2) for _ in range(200)}
    assert len(nonces) == 200


# --- tampering --------------------------------------------------------------------------------


@pytest.fixture
def aes() -> AesGcmTokenVault:
    return AesGcmTokenVault([NEW_KEY])


@pytest.fixture
def sealed(aes: AesGcmTokenVault) -> str:
    return aes.encrypt(TOKEN, context=CONTEXT)


@pytest.mark.parametrize("index", [0, 5, 10, 21, -1])
def test_tampered_ciphertext_fails(aes: AesGcmTokenVault, sealed: str, index: int) -> None:
    tampered = with_field(sealed, 3, swap_char(field(sealed, 3), index))
    with pytest.raises(TokenVaultError):
        aes.decrypt(tampered, context=CONTEXT)


def test_flipped_ciphertext_bit_fails(aes: AesGcmTokenVault, sealed: str) -> None:
    body = bytearray(
        base64.urlsafe_b64decode(field(sealed, 3) + "=" * (-len(field(sealed, 3)) % 4))
    )
    body[0] ^= 0x01
    tampered = with_field(sealed, 3, base64.urlsafe_b64encode(body).rstrip(b"=").decode())
    with pytest.raises(TokenVaultError, match="authentication"):
        aes.decrypt(tampered, context=CONTEXT)


@pytest.mark.parametrize("index", [0, 7, -1])
def test_tampered_nonce_fails(aes: AesGcmTokenVault, sealed: str, index: int) -> None:
    tampered = with_field(sealed, 2, swap_char(field(sealed, 2), index))
    with pytest.raises(TokenVaultError):
        aes.decrypt(tampered, context=CONTEXT)


def test_truncated_tag_fails(aes: AesGcmTokenVault, sealed: str) -> None:
    with pytest.raises(TokenVaultError):
        aes.decrypt(sealed[:-4], context=CONTEXT)


def test_tampered_key_id_fails(aes: AesGcmTokenVault, sealed: str) -> None:
    kid = field(sealed, 1)
    other = "0" * 8 if kid != "0" * 8 else "1" * 8
    with pytest.raises(TokenVaultError, match="not in the key ring"):
        aes.decrypt(with_field(sealed, 1, other), context=CONTEXT)


def test_key_id_pointing_at_another_ring_key_fails(sealed: str) -> None:
    vault = AesGcmTokenVault([NEW_KEY, OLD_KEY])
    tampered = with_field(sealed, 1, key_id(OLD_KEY))
    with pytest.raises(TokenVaultError, match="authentication"):
        vault.decrypt(tampered, context=CONTEXT)


def test_unknown_key_fails(sealed: str) -> None:
    stranger = AesGcmTokenVault([OLD_KEY])
    with pytest.raises(TokenVaultError, match=key_id(NEW_KEY)):
        stranger.decrypt(sealed, context=CONTEXT)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "v1",
        TOKEN,
        "v2.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.0000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.00000000.AAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAA",
        "v1.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA=",
        "v1.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.extra",
        "v1.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAA+/",
        " v1.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_values_fail_with_the_vault_error(aes: AesGcmTokenVault, garbage: str) -> None:
    with pytest.raises(TokenVaultError):
        aes.decrypt(garbage, context=CONTEXT)
    with pytest.raises(TokenVaultError):
        aes.needs_rotation(garbage)


def test_non_canonical_base64_is_refused(aes: AesGcmTokenVault) -> None:
    # 4 + 16 = 20 bytes: the body's last character carries 2 unused low bits.
    sealed = aes.encrypt("abcd", context=CONTEXT)
    body = field(sealed, 3)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    same_bytes = body[:-1] + alphabet[alphabet.index(body[-1]) ^ 1]
    assert base64.urlsafe_b64decode(same_bytes + "=") == base64.urlsafe_b64decode(body + "=")
    with pytest.raises(TokenVaultError):
        aes.decrypt(with_field(sealed, 3, same_bytes), context=CONTEXT)


# --- rotation ---------------------------------------------------------------------------------


def test_rotation_moves_a_value_to_the_first_key() -> None:
    old_vault = AesGcmTokenVault([OLD_KEY])
    sealed_old = old_vault.encrypt(TOKEN, context=CONTEXT)

    ring = AesGcmTokenVault([NEW_KEY, OLD_KEY])
    assert ring.decrypt(sealed_old, context=CONTEXT) == TOKEN
    assert ring.needs_rotation(sealed_old)

    rotated = ring.rotate(sealed_old, context=CONTEXT)
    assert rotated != sealed_old
    assert field(rotated, 1) == key_id(NEW_KEY)
    assert not ring.needs_rotation(rotated)
    assert ring.decrypt(rotated, context=CONTEXT) == TOKEN
    assert ring.rotate(rotated, context=CONTEXT) == rotated  # re-running is a no-op

    new_only = AesGcmTokenVault([NEW_KEY])
    assert new_only.decrypt(rotated, context=CONTEXT) == TOKEN
    assert new_only.needs_rotation(sealed_old)
    with pytest.raises(TokenVaultError, match="not in the key ring"):
        new_only.decrypt(sealed_old, context=CONTEXT)
    with pytest.raises(TokenVaultError):
        new_only.rotate(sealed_old, context=CONTEXT)


def test_rotation_keeps_the_context_binding() -> None:
    sealed_old = AesGcmTokenVault([OLD_KEY]).encrypt(TOKEN, context=CONTEXT)
    ring = AesGcmTokenVault([NEW_KEY, OLD_KEY])
    rotated = ring.rotate(sealed_old, context=CONTEXT)
    with pytest.raises(TokenVaultError):
        ring.decrypt(rotated, context="meta_integrations:other:page_token")


def test_fake_rotation_follows_its_key_list() -> None:
    vault = InMemoryTokenVault(["k1"])
    sealed_old = vault.encrypt(TOKEN, context=CONTEXT)
    vault.keys = ["k2", "k1"]
    assert vault.needs_rotation(sealed_old)
    assert vault.decrypt(sealed_old, context=CONTEXT) == TOKEN
    rotated = vault.rotate(sealed_old, context=CONTEXT)
    assert not vault.needs_rotation(rotated)
    vault.keys = ["k2"]
    assert vault.decrypt(rotated, context=CONTEXT) == TOKEN
    with pytest.raises(TokenVaultError):
        vault.decrypt(sealed_old, context=CONTEXT)


# --- secrets stay out of messages and reprs ---------------------------------------------------


def test_no_plaintext_or_key_in_errors_or_repr() -> None:
    ring = AesGcmTokenVault([NEW_KEY, OLD_KEY])
    sealed = ring.encrypt(TOKEN, context=CONTEXT)
    failures: list[TokenVaultError] = []
    attempts: list[Callable[[], str]] = [
        lambda: ring.decrypt(sealed, context="wrong"),
        lambda: ring.decrypt(sealed[:-1] + ("A" if sealed[-1] != "A" else "B"), context=CONTEXT),
        lambda: AesGcmTokenVault([new_key()]).decrypt(sealed, context=CONTEXT),
        lambda: ring.decrypt(TOKEN, context=CONTEXT),
    ]
    for attempt in attempts:
        with pytest.raises(TokenVaultError) as caught:
            attempt()
        failures.append(caught.value)
    shown = [repr(ring), str(ring)] + [f"{e!s} {e!r} {e.__cause__!r}" for e in failures]
    secrets_shown = [
        TOKEN,
        NEW_KEY.hex(),
        OLD_KEY.hex(),
        base64.b64encode(NEW_KEY).decode(),
        base64.urlsafe_b64encode(OLD_KEY).decode(),
        repr(NEW_KEY),
        repr(OLD_KEY),
    ]
    for text in shown:
        for secret in secrets_shown:
            assert secret not in text
    assert all(e.__cause__ is None for e in failures)
    assert repr(ring) == f"AesGcmTokenVault(key_ids=['{key_id(NEW_KEY)}', '{key_id(OLD_KEY)}'])"


def test_unencodable_plaintext_is_refused_without_quoting_it() -> None:
    vault = AesGcmTokenVault([NEW_KEY])
    with pytest.raises(ValueError, match="plaintext") as caught:
        vault.encrypt("tok\ud800en", context=CONTEXT)
    assert "\ud800" not in str(caught.value)
    assert caught.value.__cause__ is None


# --- constructing the ring --------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 16, 24, 31, 33, 64])
def test_vault_refuses_keys_that_are_not_32_bytes(size: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        AesGcmTokenVault([NEW_KEY, b"k" * size])


def test_vault_refuses_an_empty_ring_and_repeated_keys() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        AesGcmTokenVault([])
    with pytest.raises(ValueError, match="repeats"):
        AesGcmTokenVault([NEW_KEY, OLD_KEY, NEW_KEY])


def test_parse_key_ring_accepts_both_base64_flavours() -> None:
    # Keys chosen so the two encodings differ (they contain + / versus - _).
    a = bytes([0xFB, 0xFF, 0xBF] * 10 + [0xFE, 0xFF])
    b = bytes([0xFF] * 32)
    standard = base64.b64encode(a).decode()
    urlsafe = base64.urlsafe_b64encode(b).decode()
    assert "+" in standard or "/" in standard
    assert "-" in urlsafe or "_" in urlsafe
    assert parse_key_ring(f"{standard},{urlsafe}") == [a, b]
    assert parse_key_ring(f" {urlsafe.rstrip('=')} , {standard} ,") == [b, a]


def test_parse_key_ring_feeds_the_vault() -> None:
    text = ",".join(base64.urlsafe_b64encode(k).decode() for k in (NEW_KEY, OLD_KEY))
    vault = AesGcmTokenVault.from_key_ring(text)
    assert vault.key_ids == (key_id(NEW_KEY), key_id(OLD_KEY))
    sealed = AesGcmTokenVault([OLD_KEY]).encrypt(TOKEN, context=CONTEXT)
    assert vault.decrypt(sealed, context=CONTEXT) == TOKEN


@pytest.mark.parametrize("size", [0, 1, 16, 31, 33, 48])
def test_parse_key_ring_rejects_wrong_lengths(size: int) -> None:
    good = base64.b64encode(NEW_KEY).decode()
    bad = base64.b64encode(b"\x07" * size).decode()
    if not bad:
        bad = "===="
    with pytest.raises(ValueError, match=r"key 2 .*32 bytes|key 2 is not valid") as caught:
        parse_key_ring(f"{good},{bad}")
    assert "SALONHUB_ENCRYPTION_KEYS" in str(caught.value)
    assert good not in str(caught.value)


def test_parse_key_ring_rejects_the_integration_fixture_key_of_31_bytes() -> None:
    with pytest.raises(ValueError, match="31 bytes"):
        parse_key_ring("aW50ZWdyYXRpb24tdGVzdC1rZXktMzItYnl0ZXMhIQ==")


@pytest.mark.parametrize(
    "bad",
    ["not base64 at all!", "AAAA*AAA", "é" * 44, base64.b64encode(NEW_KEY).decode() + "A"],
)
def test_parse_key_ring_rejects_non_base64(bad: str) -> None:
    with pytest.raises(ValueError, match="key 1") as caught:
        parse_key_ring(bad)
    assert bad not in str(caught.value)


@pytest.mark.parametrize("value", ["", " ", ",", " , ,"])
def test_parse_key_ring_rejects_an_empty_ring(value: str) -> None:
    with pytest.raises(ValueError, match="no keys"):
        parse_key_ring(value)


# --- property ---------------------------------------------------------------------------------

PROPERTY_VAULT = AesGcmTokenVault([NEW_KEY, OLD_KEY])


@settings(max_examples=200, deadline=None)
@given(token=st.text(), context=st.text(min_size=1), other=st.text(min_size=1))
def test_round_trip_property(token: str, context: str, other: str) -> None:
    sealed = PROPERTY_VAULT.encrypt(token, context=context)
    assert sealed.isascii()
    assert PROPERTY_VAULT.decrypt(sealed, context=context) == token
    if other != context:
        with pytest.raises(TokenVaultError):
            PROPERTY_VAULT.decrypt(sealed, context=other)
