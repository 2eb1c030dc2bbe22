"""AES-256-GCM token vault with a key ring (first key encrypts, every key decrypts)."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.ports.token_vault import TokenVault, TokenVaultError

from .key_ring import KEY_SIZE, key_id, parse_key_ring

VERSION = "v1"
NONCE_SIZE = 12  # 96 bits, the size GCM is designed for
TAG_SIZE = 16

# v1.<key id>.<base64url nonce>.<base64url ciphertext+tag>, unpadded base64url.
_SEALED = re.compile(
    r"v1\.(?P<kid>[0-9a-f]{8})\.(?P<nonce>[A-Za-z0-9_-]{16})\.(?P<body>[A-Za-z0-9_-]{22,})"
)


class AesGcmTokenVault(TokenVault):
    """Seals text as ``v1.<key id>.<nonce>.<ciphertext+tag>`` with AES-256-GCM.

    A fresh random 96-bit nonce per encryption; `context` is the associated data. The key id is
    the first 8 hex digits of the key's SHA-256, so the sealed value names its key without
    carrying any of it.
    """

    __slots__ = ("_ciphers", "_current")

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("the token vault needs at least one key")
        ciphers: dict[str, AESGCM] = {}
        for position, key in enumerate(keys, start=1):
            if len(key) != KEY_SIZE:
                raise ValueError(
                    f"token vault key {position} is {len(key)} bytes; each key must be "
                    f"{KEY_SIZE} bytes (decode SALONHUB_ENCRYPTION_KEYS with parse_key_ring)"
                )
            kid = key_id(key)
            if kid in ciphers:
                raise ValueError(f"token vault key {position} repeats key {kid}")
            ciphers[kid] = AESGCM(key)
        self._ciphers = ciphers
        self._current = key_id(keys[0])

    @classmethod
    def from_key_ring(cls, value: str) -> AesGcmTokenVault:
        """Build from the text of `SALONHUB_ENCRYPTION_KEYS`."""
        return cls(parse_key_ring(value))

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ring's key ids, the encrypting one first."""
        return tuple(self._ciphers)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        data = _utf8(plaintext, "plaintext")
        aad = _context(context)
        nonce = os.urandom(NONCE_SIZE)
        body = self._ciphers[self._current].encrypt(nonce, data, aad)
        return f"{VERSION}.{self._current}.{_b64encode(nonce)}.{_b64encode(body)}"

    def decrypt(self, sealed: str, *, context: str) -> str:
        aad = _context(context)
        kid, nonce, body = _parse(sealed)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise TokenVaultError(f"token sealed under key {kid}, which is not in the key ring")
        try:
            data = cipher.decrypt(nonce, body, aad)
        except InvalidTag:
            raise TokenVaultError(
                f"token under key {kid} failed authentication "
                "(wrong context, or the value was altered)"
            ) from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:  # only if someone else sealed it with our key
            raise TokenVaultError("token does not decrypt to UTF-8 text") from None

    def needs_rotation(self, sealed: str) -> bool:
        kid, _, _ = _parse(sealed)
        return kid != self._current

    def rotate(self, sealed: str, *, context: str) -> str:
        plaintext = self.decrypt(sealed, context=context)
        if not self.needs_rotation(sealed):
            return sealed
        return self.encrypt(plaintext, context=context)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key_ids={list(self._ciphers)!r})"


def _parse(sealed: str) -> tuple[str, bytes, bytes]:
    match = _SEALED.fullmatch(sealed)
    if match is None:
        raise TokenVaultError(f"not a {VERSION} sealed token")
    nonce = _b64decode(match["nonce"])
    body = _b64decode(match["body"])
    if len(nonce) != NONCE_SIZE or len(body) < TAG_SIZE:
        raise TokenVaultError(f"not a {VERSION} sealed token")
    return match["kid"], nonce, body


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenVaultError(f"not a {VERSION} sealed token") from None
    # Only the canonical spelling: stray low bits in the last character are an alteration too.
    if _b64encode(data) != text:
        raise TokenVaultError(f"not a {VERSION} sealed token")
    return data


def _context(context: str) -> bytes:
    if not context:
        raise ValueError("a token vault context must not be empty")
    return _utf8(context, "context")


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # The codec's message quotes the offending character; do not pass it on.
        raise ValueError(f"the {what} is not encodable as UTF-8") from None
