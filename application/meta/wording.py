"""Every sentence an owner reads about their Facebook & Instagram connection, in one place.

`failure(exc, during)` turns a Meta error into plain words for what was being done (connecting,
or keeping the Page in step); the rest are the fixed messages of the connection's use cases.
"""

from __future__ import annotations

from enum import Enum

from application.meta_errors import (
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)

RECONNECT = "Reconnect Facebook & Instagram"

# What the owner reads when Meta reports a dead token (code 190, by subcode).
_TOKEN_DEATH: dict[int | None, str] = {
    458: "SalonHub was removed from your Facebook account.",
    460: "Your Facebook password changed, so Meta ended SalonHub's access.",
    463: "Your Facebook login for SalonHub expired.",
    467: "Meta no longer accepts SalonHub's access to your Page.",
    492: "Your Facebook session ended, or your role on the Page changed.",
}

PERMISSION_REASON = (
    "Meta refused a request because a permission or your Page role is missing. Reconnect "
    "Facebook & Instagram and approve every requested permission, with an admin role on the Page."
)


def token_death_reason(subcode: int | None) -> str:
    cause = _TOKEN_DEATH.get(subcode, "Meta no longer accepts SalonHub's access to your Page.")
    return f"{cause} {RECONNECT} to restore Messenger and the buttons."


class During(Enum):
    CONNECT = "connect"  # the owner is connecting (login, page picker)
    SYNC = "sync"  # a worker keeps the Page in step (subscription, Messenger menu)


_PASSING: dict[tuple[type[MetaError], During], str] = {
    (MetaRateLimited, During.CONNECT): (
        "Meta is limiting requests right now. Wait a few minutes and connect again."
    ),
    (MetaUnavailable, During.CONNECT): (
        "We could not reach Meta just now. Try connecting again in a few minutes."
    ),
    (MetaError, During.CONNECT): (
        "Meta refused the connection request. Connect again; if it keeps failing, contact us."
    ),
    (MetaRateLimited, During.SYNC): (
        "Meta is limiting requests right now, so your Messenger menu is not updated yet. "
        "We will retry automatically."
    ),
    (MetaUnavailable, During.SYNC): (
        "We could not reach Meta to update your Messenger menu. We will retry automatically."
    ),
    (MetaError, During.SYNC): (
        "Meta refused the update of your Messenger menu. We will retry; if it keeps failing, "
        "contact us."
    ),
}


def failure(exc: MetaError, during: During) -> str:
    """What the owner reads when Meta refused or failed while doing `during`."""
    if isinstance(exc, MetaTokenInvalid):
        return token_death_reason(exc.subcode)
    if isinstance(exc, MetaPermissionMissing):
        return PERMISSION_REASON
    for kind in (MetaRateLimited, MetaUnavailable):
        if isinstance(exc, kind):
            return _PASSING[(kind, during)]
    return _PASSING[(MetaError, during)]


NOT_CONFIGURED = "Facebook & Instagram are not configured on this server (SALONHUB_META_APP_ID)."
PAGE_IN_USE = "That Facebook Page is already connected to another SalonHub salon."
CONNECTION_CHANGED = (
    "The Facebook connection changed while we were setting it up (for example, it was "
    "disconnected meanwhile). Connect again."
)
LOGIN_CANCELLED = "You cancelled the Facebook login, so nothing was connected."
LOGIN_INCOMPLETE = "Facebook did not complete the login. Try connecting again."
LOGIN_LINK_INVALID = "This login link is invalid, expired or already used."
NO_PAGES = "The Facebook login did not grant any Page. Connect again and select your salon's Page."
MBE_NOT_CONFIRMED = (
    "Meta did not confirm the Business Extension install, so the Book Now buttons are not set. "
    "Connect again, or add the booking links by hand."
)
NO_LOGIN_WAITING = "No Facebook login is waiting for a Page choice. Connect again."
PAGE_NOT_GRANTED = "That Page was not granted by the Facebook login."
LOGIN_UNREADABLE = "The stored Facebook login cannot be read. Connect again."
PAGE_NO_LONGER_LISTED = "Meta no longer lists that Page for your login. Connect again."
NOTHING_TO_SYNC = "Connect a Facebook Page first; there is nothing to sync yet."
NOT_ACTIVE = "The connection is not active: reconnect Facebook & Instagram."
PAGE_TOKEN_UNREADABLE = f"The stored Page token cannot be read. {RECONNECT}."
STATUS_UNCHECKED = (
    "We could not reach Meta to check the connection just now; the token health shown is from "
    "the last check."
)
ADD_LINKS_BY_HAND = (
    "Add the Book Now links by hand: on your Facebook Page (Edit action button → Book now) and "
    "in Instagram (Edit profile → Action buttons → Book now)."
)
PERMISSION_REMOVED = (
    "The {permission} permission was removed in Facebook, so Messenger and the Page connection "
    f"stopped. {RECONNECT} and approve it."
)
EXTENSION_REMOVED = (
    "The SalonHub business extension was removed in Meta, so the Book Now buttons and Messenger "
    f"stopped. {RECONNECT} to restore them."
)


def data_access_ending(day: str) -> str:
    return (
        f"Meta's data access for your Facebook login ends on {day} (UTC). {RECONNECT} before "
        "then to keep Messenger working."
    )


def data_access_alert(day: str) -> str:
    return f"Meta's data access for your Facebook login ends on {day}. {RECONNECT} before then."


LANDING_CONNECTED = "Connected. Customers can now reach you from Facebook and Instagram."
LANDING_SELECT_PAGE = "Choose which Page to connect."
# The admin page's words for a callback that ended in `error=<code>` (the query's `reason` is
# never echoed: a link could carry any text).
LANDING_REASONS = {
    "access_denied": LOGIN_CANCELLED,
    "page_in_use": PAGE_IN_USE,
    "no_pages": NO_PAGES,
    "changed": "The connection changed while we were setting it up. Connect again.",
    "meta_error": "Facebook did not complete the connection. Try connecting again.",
}
