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
      different results, and each opens to the plaintext. The sealed value is ASCII and never
      contains the plaintext.
    - `decrypt` opens a value sealed under any key of the ring, with the context it was sealed
      with; every failure raises `TokenVaultError`: a value altered in any way (any character
      changed, cut short or extended), not a sealed value at all, sealed under a key not (or
      no longer) in the ring, or opened with another context.
    - `needs_rotation` reads only the sealed value's header: True when it was sealed under a key
      other than the first (including one no longer in the ring). Raises `TokenVaultError` when
      the value is malformed.
    - `rotate` opens the value and re-seals it under the first key (same context, same
      plaintext); a value already under the first key is checked and returned unchanged, so a
      rotation pass can be re-run (resumed) and write only the rows that changed. Raises like
      `decrypt`.
    - The caller's mistakes raise `ValueError`, not `TokenVaultError`, from every method taking
      them: an empty context, or a plaintext or context that cannot be encoded as UTF-8 (a
      lone surrogate). The message does not quote the offending text.
    """

    def encrypt(self, plaintext: str, *, context: str) -> str: ...

    def decrypt(self, sealed: str, *, context: str) -> str: ...

    def needs_rotation(self, sealed: str) -> bool: ...

    def rotate(self, sealed: str, *, context: str) -> str: ...
