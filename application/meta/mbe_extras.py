"""META.md's Meta Business Extension `extras`: the business, and the Book Now buttons on the
Page, on Instagram and in Messenger pointing at our booking widget."""

from __future__ import annotations

from application.meta.config import MetaApp
from domain.salon import Salon

# When the salon has no service yet, the currency of the salon's country (else USD).
COUNTRY_CURRENCY = {
    "IN": "INR",
    "US": "USD",
    "GB": "GBP",
    "AE": "AED",
    "AU": "AUD",
    "CA": "CAD",
    "SG": "SGD",
    "VN": "VND",
    "TH": "THB",
    "PH": "PHP",
    "NP": "NPR",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "IE": "EUR",
    "NZ": "NZD",
}


def _cta(url: str | None) -> dict[str, object]:
    return {"enabled": True, "cta_button_text": "Book Now", "cta_button_url": url}


def mbe_extras(app: MetaApp, salon: Salon, currency: str) -> dict[str, object]:
    buttons = app.buttons(salon)
    return {
        "setup": {
            "external_business_id": salon.id,
            "timezone": salon.timezone,
            "currency": currency,
            "business_vertical": "APPOINTMENTS",
        },
        "business_config": {
            "business": {"name": salon.name},
            "page_cta": _cta(buttons.facebook),
            "ig_cta": _cta(buttons.instagram),
            "messenger_menu": _cta(buttons.messenger),
        },
        "repeat": False,
    }
