"""Meta's error envelope and its messages: GraphError, the token-death and throttle errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import SandboxState, fbtrace_id

TOKEN_DEATH_MESSAGES = {
    458: "Error validating access token: The user has not authorized application {app_id}.",
    460: "Error validating access token: The session has been invalidated because the user "
    "changed their password or Facebook has changed the session for security reasons.",
    463: "Error validating access token: Session has expired. The current time is later than "
    "the expiry time.",
    467: "Error validating access token: The session is invalid because the user logged out.",
    492: "Error validating access token: The session is invalid because the user is no longer "
    "an admin of the Page.",
}
THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try "
    "again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and "
    "try again.",
    80006: "(#80006) There have been too many messages requests to this Messenger account. "
    "Wait a bit and try again.",
}
BUC_TYPES = {80001: "pages", 80002: "instagram", 80006: "messenger"}


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class GraphError(Exception):
    def __init__(
        self,
        message: str,
        code: int,
        *,
        subcode: int | None = None,
        type_: str = "OAuthException",
        status: int = 400,
        user_title: str | None = None,
        user_msg: str | None = None,
        transient: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.subcode, self.type_ = message, code, subcode, type_
        self.status, self.user_title, self.user_msg, self.transient = (
            status,
            user_title,
            user_msg,
            transient,
        )

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type_, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.transient is not None:
            error["is_transient"] = self.transient
        if self.user_title is not None:
            error["error_user_title"] = self.user_title
        if self.user_msg is not None:
            error["error_user_msg"] = self.user_msg
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}

    def reply(self) -> Reply:
        return Reply(
            self.status, self.envelope(), {"WWW-Authenticate": 'OAuth "Facebook Platform"'}
        )


def token_death(state: SandboxState, subcode: int) -> GraphError:
    template = TOKEN_DEATH_MESSAGES.get(subcode, "Error validating access token.")
    return GraphError(template.format(app_id=state.app_id), 190, subcode=subcode or None)


def throttle_error(code: int) -> GraphError:
    return GraphError(THROTTLE_MESSAGES.get(code, f"(#{code}) Rate limit reached"), code)


def unsupported(method: str, object_id: str) -> GraphError:
    return GraphError(
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation. "
        "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        100,
        subcode=33,
        type_="GraphMethodException",
    )
