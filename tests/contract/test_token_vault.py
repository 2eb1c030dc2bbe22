"""The TokenVault contract (application/ports/token_vault.py), over every adapter: the
AES-256-GCM vault with its key ring, and the in-memory fake."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from application.ports.token_vault import TokenVault, TokenVaultError

from .token_vault_harness import VaultCase

TOKEN = "EAAG-page-token-0123456789abcdefXYZ"
CONTEXT = "meta_integrations:0f3c9a:page_token"
OTHER_CONTEXTS = [
    "meta_integrations:0f3c9b:page_token",  # another row
    "meta_integrations:0f3c9a:user_token",  # another field
    CONTEXT + " ",
]
UNENCODABLE = "tok\ud800en"  # a lone surrogate


@pytest.fixture
def vault(vault_case: VaultCase) -> TokenVault:
    return vault_case.with_ring(["k1"])


def assert_secrets_kept(error: BaseException, vault_case: VaultCase, *secrets: str) -> None:
    shown = f"{error!s} {error!r}"
    for secret in [*secrets, *vault_case.key_material()]:
        assert secret not in shown
    assert error.__cause__ is None


@pytest.mark.parametrize("plaintext", [TOKEN, "", "ünïcødé ✂ 🔑", "x" * 4096])
def test_a_sealed_value_opens_to_its_plaintext(vault: TokenVault, plaintext: str) -> None:
    sealed = vault.encrypt(plaintext, context=CONTEXT)
    assert vault.decrypt(sealed, context=CONTEXT) == plaintext


def test_the_sealed_value_is_ascii_and_hides_the_plaintext(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    assert sealed.isascii()
    assert TOKEN not in sealed
    assert sealed != TOKEN


def test_two_seals_of_the_same_input_differ_and_both_open(vault: TokenVault) -> None:
    first = vault.encrypt(TOKEN, context=CONTEXT)
    second = vault.encrypt(TOKEN, context=CONTEXT)
    assert first != second
    assert vault.decrypt(first, context=CONTEXT) == TOKEN
    assert vault.decrypt(second, context=CONTEXT) == TOKEN


@pytest.mark.parametrize("other", OTHER_CONTEXTS)
def test_another_context_does_not_open_it(
    vault_case: VaultCase, vault: TokenVault, other: str
) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    with pytest.raises(TokenVaultError) as caught:
        vault.decrypt(sealed, context=other)
    assert_secrets_kept(caught.value, vault_case, TOKEN, sealed)
    with pytest.raises(TokenVaultError):
        vault.rotate(sealed, context=other)
    assert vault.decrypt(sealed, context=CONTEXT) == TOKEN  # the value itself is fine


def _alterations(sealed: str) -> list[str]:
    changed = [
        sealed[:i] + ("A" if sealed[i] != "A" else "B") + sealed[i + 1 :]
        for i in range(len(sealed))
    ]
    return [*changed, sealed[:-1], sealed[1:], sealed + "A", sealed + "."]


def test_a_value_altered_in_any_way_raises_the_vault_error(
    vault_case: VaultCase, vault: TokenVault
) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)  # the only value this vault has sealed
    for altered in _alterations(sealed):
        assert altered != sealed
        with pytest.raises(TokenVaultError) as caught:
            vault.decrypt(altered, context=CONTEXT)
        assert_secrets_kept(caught.value, vault_case, TOKEN, sealed)
        with pytest.raises(TokenVaultError):
            vault.rotate(altered, context=CONTEXT)


@pytest.mark.parametrize("garbage", ["", "garbage", TOKEN, "v1", "mem", "....", " "])
def test_what_is_not_a_sealed_value_raises_the_vault_error(
    vault_case: VaultCase, vault: TokenVault, garbage: str
) -> None:
    failures: list[Callable[[], object]] = [
        lambda: vault.decrypt(garbage, context=CONTEXT),
        lambda: vault.rotate(garbage, context=CONTEXT),
        lambda: vault.needs_rotation(garbage),
    ]
    for fail in failures:
        with pytest.raises(TokenVaultError) as caught:
            fail()
        assert_secrets_kept(caught.value, vault_case, TOKEN)


def test_a_fresh_value_needs_no_rotation_and_rotates_to_itself(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    assert vault.needs_rotation(sealed) is False
    assert vault.rotate(sealed, context=CONTEXT) == sealed


def test_after_a_new_key_is_put_first_old_values_open_and_rotate(vault_case: VaultCase) -> None:
    old = vault_case.with_ring(["k1"]).encrypt(TOKEN, context=CONTEXT)

    ring = vault_case.with_ring(["k2", "k1"])
    assert ring.decrypt(old, context=CONTEXT) == TOKEN
    assert ring.needs_rotation(old) is True
    rotated = ring.rotate(old, context=CONTEXT)
    assert rotated != old
    assert ring.needs_rotation(rotated) is False
    assert ring.decrypt(rotated, context=CONTEXT) == TOKEN
    assert ring.rotate(rotated, context=CONTEXT) == rotated  # a re-run pass writes nothing
    fresh = ring.encrypt(TOKEN, context=CONTEXT)
    assert ring.needs_rotation(fresh) is False

    new_only = vault_case.with_ring(["k2"])
    assert new_only.decrypt(rotated, context=CONTEXT) == TOKEN
    assert new_only.decrypt(fresh, context=CONTEXT) == TOKEN
    assert new_only.needs_rotation(old) is True  # under a key no longer in the ring
    for fail in (new_only.decrypt, new_only.rotate):
        with pytest.raises(TokenVaultError) as caught:
            fail(old, context=CONTEXT)
        assert_secrets_kept(caught.value, vault_case, TOKEN, old)


def test_rotation_keeps_the_context_binding(vault_case: VaultCase) -> None:
    old = vault_case.with_ring(["k1"]).encrypt(TOKEN, context=CONTEXT)
    ring = vault_case.with_ring(["k2", "k1"])
    rotated = ring.rotate(old, context=CONTEXT)
    for other in OTHER_CONTEXTS:
        with pytest.raises(TokenVaultError):
            ring.decrypt(rotated, context=other)


def test_an_empty_context_is_a_value_error(vault: TokenVault) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    failures: list[Callable[[], object]] = [
        lambda: vault.encrypt(TOKEN, context=""),
        lambda: vault.decrypt(sealed, context=""),
        lambda: vault.rotate(sealed, context=""),
    ]
    for fail in failures:
        with pytest.raises(ValueError, match="context") as caught:
            fail()
        assert not isinstance(caught.value, TokenVaultError)


def test_text_that_is_not_utf8_encodable_is_a_value_error_that_does_not_quote_it(
    vault: TokenVault,
) -> None:
    sealed = vault.encrypt(TOKEN, context=CONTEXT)
    failures: list[Callable[[], object]] = [
        lambda: vault.encrypt(UNENCODABLE, context=CONTEXT),
        lambda: vault.encrypt(TOKEN, context=UNENCODABLE),
        lambda: vault.decrypt(sealed, context=UNENCODABLE),
        lambda: vault.rotate(sealed, context=UNENCODABLE),
    ]
    for fail in failures:
        with pytest.raises(ValueError, match="UTF-8") as caught:
            fail()
        assert not isinstance(caught.value, TokenVaultError)
        assert "\ud800" not in str(caught.value)
        assert caught.value.__cause__ is None
