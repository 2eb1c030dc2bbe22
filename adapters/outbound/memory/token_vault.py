from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from application.ports.token_vault import TokenVault, TokenVaultError


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    context: str
    plaintext: str


class InMemoryTokenVault(TokenVault):
    """Keeps plaintexts in memory and hands out opaque handles ``mem.<key>.<n>``.

    Behaves like the real vault where tests can see it: handles never contain the plaintext,
    each `encrypt` gives a new handle, the wrong context or an unknown handle raises
    `TokenVaultError`, and the key ring is the mutable `keys` list (first encrypts, all
    decrypt), so rotation can be exercised by assigning ``vault.keys = ["k2", "k1"]``. Handles
    only open in the instance that made them.
    """

    def __init__(self, keys: Sequence[str] = ("k1",)) -> None:
        if not keys:
            raise ValueError("the token vault needs at least one key")
        self.keys: list[str] = list(keys)
        self._entries: dict[str, _Entry] = {}
        self._counter = itertools.count(1)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        _check_context(context)
        _check_utf8(plaintext, "plaintext")
        handle = f"mem.{self.keys[0]}.{next(self._counter)}"
        self._entries[handle] = _Entry(self.keys[0], context, plaintext)
        return handle

    def decrypt(self, sealed: str, *, context: str) -> str:
        _check_context(context)
        entry = self._entries.get(sealed)
        if entry is None:
            raise TokenVaultError("not a sealed token of this vault")
        if entry.key not in self.keys:
            raise TokenVaultError(f"token sealed under key {entry.key}, which is not in the ring")
        if entry.context != context:
            raise TokenVaultError("token failed authentication (wrong context)")
        return entry.plaintext

    def needs_rotation(self, sealed: str) -> bool:
        entry = self._entries.get(sealed)
        if entry is None:
            raise TokenVaultError("not a sealed token of this vault")
        return entry.key != self.keys[0]

    def rotate(self, sealed: str, *, context: str) -> str:
        plaintext = self.decrypt(sealed, context=context)
        if not self.needs_rotation(sealed):
            return sealed
        return self.encrypt(plaintext, context=context)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(keys={self.keys!r}, sealed={len(self._entries)})"


def _check_context(context: str) -> None:
    if not context:
        raise ValueError("a token vault context must not be empty")
    _check_utf8(context, "context")


def _check_utf8(text: str, what: str) -> None:
    """As the real vault: text it could not encode is refused, without quoting it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"the {what} is not encodable as UTF-8") from None
