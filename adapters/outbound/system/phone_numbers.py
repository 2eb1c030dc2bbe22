from __future__ import annotations

import phonenumbers

from application.ports.phone_numbers import PhoneNumbers


class LibPhoneNumbers(PhoneNumbers):
    """Google's libphonenumber metadata via the `phonenumbers` package."""

    def to_e164(self, raw: str, country: str) -> str | None:
        try:
            number = phonenumbers.parse(raw, country.upper())
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    def is_country(self, country: str) -> bool:
        return country.upper() in phonenumbers.SUPPORTED_REGIONS
