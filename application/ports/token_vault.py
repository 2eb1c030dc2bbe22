from __future__ import annotations

from typing import Protocol


class TokenVaultError(Exception):
    """A sealed token could not be opened: malformed, tampered with, sealed under a key that is
    not in the ring, or opened with the wrong context.

    Its message never contains the plaintext, the sealed value or any key material.
    """


class TokenVault(Protocol):
    """Encrypts secrets (Meta access tokens) for storage at rest.

    `context` names where the sealed value lives, e.g. ``"meta_integrations:<row id>:page_token"``.
    It is bound to the ciphertext (authenticated, not stored), so a value copied to another row
    or field fails to open. It must not be empty; pass the same string to `decrypt`.

    - `encrypt` seals under the ring's first (current) key; two calls with the same input give
      different results. The sealed value is ASCII and never contains the plaintext. Raises
      `ValueError` for an empty context or text that cannot be encoded as UTF-8.
    - `decrypt` opens a value sealed under any key of the ring; every failure raises
      `TokenVaultError`.
    - `needs_rotation` reads only the sealed value's header: True when it was sealed under a key
      other than the first (including one no longer in the ring). Raises `TokenVaultError` when
      the value is malformed.
    - `rotate` opens the value and re-seals it under the first key; a value already under the
      first key is checked and returned unchanged, so a rotation pass can be re-run (resumed)
      and write only the rows that changed. Raises like `decrypt`.
    """

    def encrypt(self, plaintext: str, *, context: str) -> str: ...

    def decrypt(self, sealed: str, *, context: str) -> str: ...

    def needs_rotation(self, sealed: str) -> bool: ...

    def rotate(self, sealed: str, *, context: str) -> str: ...
