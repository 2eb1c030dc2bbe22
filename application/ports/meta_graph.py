"""The Meta Graph API port, and the small result types the core sees (never msgspec)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from domain.webhook_kinds import subscribed_fields

MessagingType = Literal["RESPONSE", "UPDATE", "MESSAGE_TAG"]

# The Page webhook fields SalonHub subscribes to (META.md), from the table of event kinds.
PAGE_SUBSCRIBED_FIELDS: tuple[str, ...] = subscribed_fields()


@dataclass(frozen=True, slots=True)
class UserAccessToken:
    """A user token from `oauth/access_token`; `expires_in` seconds (None when not given)."""

    access_token: str
    token_type: str
    expires_in: int | None

    def __repr__(self) -> str:  # never print the token
        return f"UserAccessToken(token_type={self.token_type!r}, expires_in={self.expires_in!r})"


@dataclass(frozen=True, slots=True)
class MetaUser:
    id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class PageAccount:
    """A Page the user manages, with its (non-expiring) Page token."""

    id: str
    name: str
    access_token: str
    tasks: tuple[str, ...]

    def __repr__(self) -> str:  # never print the token
        return f"PageAccount(id={self.id!r}, name={self.name!r}, tasks={self.tasks!r})"


@dataclass(frozen=True, slots=True)
class InstagramAccount:
    id: str
    username: str | None


@dataclass(frozen=True, slots=True)
class PageDetails:
    id: str
    name: str | None
    instagram: InstagramAccount | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """`debug_token` data. `expires_at` 0 means never; times are Unix seconds.

    When `is_valid` is false, `error_code`/`error_subcode` say why (e.g. 190/460).
    """

    is_valid: bool
    app_id: str | None
    user_id: str | None
    type: str | None
    expires_at: int | None
    data_access_expires_at: int | None
    scopes: tuple[str, ...]
    error_code: int | None = None
    error_subcode: int | None = None


@dataclass(frozen=True, slots=True)
class SubscribedApp:
    id: str
    name: str | None
    subscribed_fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FbeInstall:
    """One Meta Business Extension install (fields are lenient: Meta's list is not confirmed)."""

    business_manager_id: str | None
    pages: tuple[str, ...]
    instagram_profiles: tuple[str, ...]
    installed_features: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuickReply:
    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class SentMessage:
    recipient_id: str
    message_id: str


@dataclass(frozen=True, slots=True)
class MetaUsage:
    """The latest usage Meta reported for one integration key, in percent (0-100+).

    `percent` is the maximum over `X-App-Usage` and `X-Business-Use-Case-Usage`;
    `regain_access_seconds` comes from `estimated_time_to_regain_access` (minutes) when given.
    """

    percent: float
    app_percent: float | None
    business_percent: float | None
    regain_access_seconds: float | None
    observed_at: float  # the adapter's monotonic clock


class MetaGraph(Protocol):
    """Meta's Graph API (a pinned version), as SalonHub uses it.

    `key` names the salon integration the call is for (a salon id, or a page id): the
    adapter keeps usage figures and a circuit breaker per key. Every call has a timeout, and
    waits a little first (in proportion) when the last usage seen for `key` is >= 80 %.

    Raises (application.meta_errors):
    - MetaTokenInvalid: code 190 (any subcode) — the token is dead; never retried.
    - MetaPermissionMissing: code 10 or 200-299; never retried.
    - MetaRateLimited: codes 4, 17, 32, 613, 80001, 80002, 80006, or locally when the last
      usage seen for `key` is >= 100 % (no request is made). Codes 4/17 are retried with
      backoff first. `retry_after` (seconds) when Meta says how long.
    - MetaUnavailable: 5xx, connect/read errors, timeouts, a malformed answer (or
      `{"success": false}`), or an open circuit for `key` (no request is made). Retried with
      backoff (capped) first, except that `send_message` is retried only when the request
      surely never reached Meta.
    - MetaBadRequest: code 100 and any other 4xx; never retried.
    Exception messages never contain tokens, secrets or OAuth codes.
    """

    async def exchange_code(self, code: str, *, redirect_uri: str, key: str) -> UserAccessToken:
        """Login `code` -> short-lived user token."""
        ...

    async def exchange_long_lived(self, short_lived_token: str, *, key: str) -> UserAccessToken:
        """Short-lived user token -> long-lived (about 60 days; there is no refresh token)."""
        ...

    async def me(self, user_token: str, *, key: str) -> MetaUser: ...

    async def list_pages(self, user_token: str, *, key: str) -> Sequence[PageAccount]:
        """Every Page of `me/accounts`, all pages of the cursor pagination followed."""
        ...

    async def page_details(self, page_id: str, token: str, *, key: str) -> PageDetails:
        """The Page's name and linked Instagram professional account (None when there is none)."""
        ...

    async def debug_token(self, input_token: str, *, key: str) -> TokenInfo:
        """Token health, asked with the app token; an invalid input token is not an error."""
        ...

    async def subscribe_page(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        fields: Sequence[str] = PAGE_SUBSCRIBED_FIELDS,
    ) -> None: ...

    async def page_subscriptions(
        self, page_id: str, page_token: str, *, key: str
    ) -> Sequence[SubscribedApp]: ...

    async def unsubscribe_page(self, page_id: str, page_token: str, *, key: str) -> None: ...

    async def revoke_permissions(self, user_token: str, *, key: str) -> None:
        """`DELETE me/permissions`: de-authorizes the app for that user."""
        ...

    async def fbe_installs(
        self, external_business_id: str, token: str, *, key: str
    ) -> Sequence[FbeInstall]: ...

    async def delete_fbe_install(
        self, external_business_id: str, token: str, *, key: str
    ) -> None: ...

    async def send_message(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        recipient_id: str,
        text: str,
        messaging_type: MessagingType = "RESPONSE",
        tag: str | None = None,
        quick_replies: Sequence[QuickReply] = (),
        metadata: str | None = None,
    ) -> SentMessage:
        """Send API text message to a PSID/IGSID. Outside the 24-hour window Meta answers 100/10
        (MetaBadRequest/MetaPermissionMissing)."""
        ...

    async def send_utility(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        recipient_id: str,
        template: str,
        language: str,
        values: Sequence[str],
    ) -> SentMessage:
        """A Messenger Utility Message (a Page template with its values), allowed outside the
        24-hour window in the markets Meta enables them; Instagram has none."""
        ...

    async def set_messenger_profile(
        self, page_id: str, page_token: str, *, key: str, profile: Mapping[str, Any]
    ) -> None:
        """`POST /{page-id}/messenger_profile` with `profile` as the JSON body (the Messenger
        Profile API: `get_started`, `persistent_menu`, ...); the fields given replace the
        Page's. Idempotent, so retried like a read."""
        ...

    def usage(self, key: str) -> MetaUsage | None:
        """The latest usage figures seen for `key`, None before any answer."""
        ...
