from __future__ import annotations

from typing import Protocol


class PhoneNumbers(Protocol):
    """Parses a phone number written any usual way for a country (ISO 3166 alpha-2).

    `to_e164` returns the E.164 form, or None when the text is not a valid number there.
    `is_country` tells whether a code is a known region.
    """

    def to_e164(self, raw: str, country: str) -> str | None: ...

    def is_country(self, country: str) -> bool: ...
