"""What the Meta use cases need to know about our Meta app and our public address."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from domain.meta import Buttons, MetaMode
from domain.salon import Salon

LOGIN_SCOPES: tuple[str, ...] = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_messaging",
    "instagram_basic",
    "instagram_manage_messages",
    "business_management",
)
MBE_SCOPES: tuple[str, ...] = ("manage_business_extension", *LOGIN_SCOPES)


@dataclass(frozen=True, slots=True)
class MetaApp:
    """Our Meta app. `configured` is False when no app is set up (outside embedded mode without
    SALONHUB_META_APP_ID): the Meta routes then answer 503 instead of calling Meta."""

    app_id: str
    app_secret: str
    mode: MetaMode
    dialog_url: str  # base, e.g. https://www.facebook.com (the version is added)
    version: str  # "v26.0"
    public_url: str  # SALONHUB_PUBLIC_URL, no trailing slash
    configured: bool = True

    def __repr__(self) -> str:  # never print the secret
        return f"MetaApp(app_id={self.app_id!r}, mode={self.mode.value!r})"

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/api/meta/callback"

    def dialog_endpoint(self) -> str:
        version = self.version if self.version.startswith("v") else f"v{self.version}"
        return f"{self.dialog_url.rstrip('/')}/{version}/dialog/oauth"

    def booking_link(self, salon: Salon, source: str) -> str:
        return f"{self.public_url}/book/{salon.slug}?{urlencode({'src': source})}"

    def booking_links(self, salon: Salon) -> dict[str, str]:
        return {
            s: self.booking_link(salon, s) for s in ("instagram", "facebook", "messenger", "story")
        }

    def buttons(self, salon: Salon) -> Buttons:
        """The button targets we configure through Meta Business Extension."""
        return Buttons(
            facebook=self.booking_link(salon, "facebook"),
            instagram=self.booking_link(salon, "instagram"),
            messenger=self.booking_link(salon, "messenger"),
        )
