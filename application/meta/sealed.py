"""Opening sealed Meta tokens: one place that turns a vault failure into "no token" (logged)."""

from __future__ import annotations

import logging

from application.ports.token_vault import TokenVault, TokenVaultError

log = logging.getLogger(__name__)


def open_sealed(vault: TokenVault, sealed: str | None, context: str) -> str | None:
    """The plaintext, or None when nothing is sealed or the value cannot be opened (tampered,
    or sealed under a key no longer in the ring). The log names the field, never the value."""
    if sealed is None:
        return None
    try:
        return vault.decrypt(sealed, context=context)
    except TokenVaultError:
        log.error("a sealed Meta token could not be opened (%s)", context.rsplit(":", 1)[-1])
        return None
