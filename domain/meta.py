"""A salon's connection to Meta (a Facebook Page and its Instagram professional account).

SalonHub is the source of truth for bookings; the integration only records which Page the salon
connected, the (sealed) tokens to act for it, what the "Book Now" buttons point at, and how
healthy the connection is. Tokens are held here only in sealed form (see the TokenVault port).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# Warn the owner when Meta's data access for the login ends within this long.
DATA_ACCESS_WARNING = timedelta(days=7)


class IntegrationStatus(enum.StrEnum):
    NOT_CONNECTED = "not_connected"  # never connected (no row)
    PENDING = "pending"  # logged in; waiting for the owner to pick a Page
    ACTIVE = "active"
    ERROR = "error"  # the token died or Meta refused: the owner must act (see `sync_error`)
    DISCONNECTED = "disconnected"


class MetaMode(enum.StrEnum):
    LOGIN = "login"  # plain Facebook Login: buttons are added by hand
    MBE = "mbe"  # Meta Business Extension: buttons configured through the install


class ButtonChannel(enum.StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    MESSENGER = "messenger"


@dataclass(frozen=True, slots=True)
class PageRef:
    id: str
    name: str
    instagram_username: str | None = None  # shown in the page picker


@dataclass(frozen=True, slots=True)
class InstagramRef:
    id: str
    username: str | None


@dataclass(frozen=True, slots=True)
class Buttons:
    """Where each "Book Now" button points (None: not configured by us)."""

    facebook: str | None = None
    instagram: str | None = None
    messenger: str | None = None


@dataclass(frozen=True, slots=True)
class TokenHealth:
    """The Page token's health as `debug_token` last reported it (None: not checked yet)."""

    valid: bool | None = None
    expires_at: datetime | None = None  # None: never expires
    data_access_expires_at: datetime | None = None
    checked_at: datetime | None = None

    def data_access_ending(self, now: datetime) -> bool:
        end = self.data_access_expires_at
        return end is not None and end - now <= DATA_ACCESS_WARNING


@dataclass(frozen=True, slots=True)
class MetaIntegration:
    """One salon's integration (one row per salon; a Page belongs to at most one salon).

    `user_token_sealed` is the long-lived user token (kept while the owner picks a Page, and for
    revoking the login on disconnect); `page_token_sealed` the Page token used for every Page
    call. Both are sealed by the TokenVault under `token_context(salon_id, field)`.
    """

    salon_id: str
    status: IntegrationStatus
    mode: MetaMode
    created_at: datetime
    updated_at: datetime
    meta_user_id: str | None = None
    user_token_sealed: str | None = None
    user_token_expires_at: datetime | None = None
    page: PageRef | None = None
    instagram: InstagramRef | None = None
    page_token_sealed: str | None = None
    candidate_pages: tuple[PageRef, ...] = ()
    buttons: Buttons = Buttons()
    token: TokenHealth = TokenHealth()
    last_sync_at: datetime | None = None
    sync_error: str | None = None  # plain words for the owner, with the fix
    version: int = 0  # bumped by every write; a write made from a stale read is refused

    def disconnected(self, now: datetime) -> MetaIntegration:
        """Every Meta datum and token erased; only the salon and the mode stay."""
        return MetaIntegration(
            salon_id=self.salon_id,
            status=IntegrationStatus.DISCONNECTED,
            mode=self.mode,
            created_at=self.created_at,
            updated_at=now,
            version=self.version,
        )

    def failed(self, reason: str, now: datetime) -> MetaIntegration:
        return replace(self, status=IntegrationStatus.ERROR, sync_error=reason, updated_at=now)


def token_context(salon_id: str, field: str) -> str:
    """The associated data that binds a sealed token to its row and field."""
    return f"meta_integrations:{salon_id}:{field}"


def cleanup_context(job_id: str, field: str) -> str:
    return f"meta_cleanups:{job_id}:{field}"


@dataclass(frozen=True, slots=True)
class MetaCleanup:
    """Work still owed to Meta after a disconnect (unsubscribe, uninstall, revoke).

    The integration forgets its tokens at once; the cleanup keeps sealed copies only until Meta
    confirms (or the token turns out dead), then the row is deleted.
    """

    id: str
    salon_id: str
    page_id: str | None
    page_token_sealed: str | None
    user_token_sealed: str | None
    external_business_id: str | None  # MBE install to remove
    revoke: bool  # revoke the login (False when the same Meta user still connects another salon)
    meta_user_id: str | None  # whose tokens these are (a data-deletion request erases them)
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DataDeletionRequest:
    """A data-deletion callback from Meta, with the code Meta shows the person."""

    confirmation_code: str
    meta_user_hash: str  # SHA-256 of the Meta user id: we do not keep the id itself
    status: str  # "completed"
    salons_affected: int
    requested_at: datetime
    completed_at: datetime | None
