"""What the TokenVault contract suite sees of each adapter.

Built by the fixtures in conftest.py; the test module uses only this type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.ports.token_vault import TokenVault


@dataclass(frozen=True, slots=True)
class VaultCase:
    name: str
    # The vault with this key ring (the first key encrypts), keys named by the test. The same
    # name is the same key every time, so values sealed under one ring open under another
    # ring holding that key.
    with_ring: Callable[[Sequence[str]], TokenVault]
    # Every spelling of the keys used so far that must never appear in a message.
    key_material: Callable[[], list[str]]
