"""The Graph API endpoints of META.md, in Meta's formats, as plain functions over `SandboxState`."""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import msgspec

from .state import (
    LONG_LIVED_SECONDS,
    SHORT_LIVED_SECONDS,
    Page,
    SandboxState,
    Token,
    fbtrace_id,
)

VERSION = re.compile(r"^v\d{1,2}\.0$")
SUNSET_TAGS = {"CONFIRMED_EVENT_UPDATE", "ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE"}
WINDOW_SECONDS = 24 * 3600
HUMAN_AGENT_SECONDS = 7 * 24 * 3600

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


def parse_fields(spec: str) -> dict[str, dict[str, Any]]:
    """`id,name,instagram_business_account{id,username}` → {"id": {}, ..., "iba": {"id": {}...}}."""
    out: dict[str, dict[str, Any]] = {}
    depth, start = 0, 0
    parts: list[str] = []
    for i, ch in enumerate(spec):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if "{" in part and part.endswith("}"):
            name, inner = part.split("{", 1)
            out[name.strip()] = parse_fields(inner[:-1])
        else:
            out[part] = {}
    return out


def project(values: Mapping[str, Any], fields: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """Keep the requested fields; absent ones are omitted, as Meta does."""
    out: dict[str, Any] = {}
    for name, inner in fields.items():
        if name not in values or values[name] is None:
            continue
        value = values[name]
        if inner and isinstance(value, Mapping):
            value = project(value, inner)
        out[name] = value
    return out


class Graph:
    """Dispatches `/{version}/...` requests. `query` is flat (last value wins)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # --- tokens ---

    def token(self, query: Mapping[str, str], *, kind: str | None = None) -> Token:
        raw = query.get("access_token", "")
        if not raw:
            raise GraphError(
                "An active access token must be used to query information about the current user.",
                2500,
            )
        if raw == f"{self.state.app_id}|{self.state.app_secret}":
            raise GraphError("(#100) An app access token cannot be used here", 100)
        found = self.state.tokens.get(raw)
        if found is None:
            raise GraphError("Invalid OAuth access token - Cannot parse access token", 190)
        self.check_alive(found)
        if kind is not None and found.kind != kind:
            if kind == "PAGE":
                raise GraphError("(#190) This method must be called with a Page Access Token", 190)
            raise GraphError("(#100) This method must be called with a user access token", 100)
        return found

    def check_alive(self, token: Token) -> None:
        if token.dead_subcode is not None:
            raise token_death(self.state, token.dead_subcode)
        if token.expires_at and token.expires_at <= self.state.now():
            raise token_death(self.state, 463)

    def app_token(self, query: Mapping[str, str]) -> None:
        raw = query.get("access_token", "")
        if not raw:
            raise GraphError("An access token is required to request this resource.", 104)
        if raw != f"{self.state.app_id}|{self.state.app_secret}":
            raise GraphError("Invalid OAuth access token signature.", 190)

    def page(self, page_id: str, method: str) -> Page:
        page = self.state.pages.get(page_id)
        if page is None:
            raise unsupported(method, page_id)
        return page

    def page_token(self, query: Mapping[str, str], page: Page) -> Token:
        token = self.token(query)
        if token.kind == "USER":
            if page.id not in token.page_ids:
                raise unsupported("post", page.id)
            raise GraphError("(#190) This method must be called with a Page Access Token", 190)
        if token.page_id != page.id:
            raise GraphError("(#200) The Page access token is for another Page", 200)
        return token

    # --- dispatch ---

    def handle(
        self,
        method: str,
        segments: list[str],
        query: Mapping[str, str],
        body: Mapping[str, Any],
        base_url: str,
    ) -> Reply:
        routes: dict[tuple[str, str], Callable[[], Reply]] = {
            ("GET", "oauth/access_token"): lambda: self.access_token(query),
            ("GET", "me"): lambda: self.me(query),
            ("GET", "me/accounts"): lambda: self.accounts(query, base_url, segments),
            ("DELETE", "me/permissions"): lambda: self.revoke(query),
            ("GET", "debug_token"): lambda: self.debug_token(query),
            ("GET", "fbe_business/fbe_installs"): lambda: self.fbe_installs(query),
            ("DELETE", "fbe_business/fbe_installs"): lambda: self.fbe_uninstall(query),
        }
        key = (method, "/".join(segments))
        if key in routes:
            return routes[key]()
        if len(segments) == 1:
            if method != "GET":
                raise unsupported(method, segments[0])
            return self.node(segments[0], query)
        if len(segments) == 2 and segments[1] == "subscribed_apps":
            return self.subscribed_apps(method, segments[0], query, body)
        if len(segments) == 2 and segments[1] == "messenger_profile":
            return self.messenger_profile(method, segments[0], query, body)
        if len(segments) == 2 and segments[1] == "messages" and method == "POST":
            page_id = segments[0]
            if page_id == "me":  # `/me/messages` with a Page token
                page_id = self.token(query, kind="PAGE").page_id or ""
            for page in self.state.pages.values():  # `/{ig-user-id}/messages`
                if page.ig is not None and page.ig.id == page_id:
                    page_id = page.id
            return self.send_message(page_id, query, body)
        if segments and segments[0] in ("oauth", "me", "debug_token", "fbe_business"):
            raise GraphError(f"Unknown path components: /{'/'.join(segments[1:])}", 2500)
        raise unsupported(method, segments[0] if segments else "")

    # --- endpoints ---

    def access_token(self, query: Mapping[str, str]) -> Reply:
        s = self.state
        if query.get("client_id") != s.app_id:
            raise GraphError("Error validating application. Invalid application ID.", 101)
        if query.get("client_secret") != s.app_secret:
            raise GraphError("Error validating client secret.", 1)
        if query.get("grant_type") == "fb_exchange_token":
            short = s.tokens.get(query.get("fb_exchange_token", ""))
            if short is None or short.kind != "USER":
                raise GraphError("Invalid OAuth access token - Cannot parse access token", 190)
            self.check_alive(short)
            now = s.now()
            long = s.issue_token(
                "USER", short.scopes, short.page_ids, expires_at=now + LONG_LIVED_SECONDS
            )
            return Reply(
                200,
                {
                    "access_token": long.value,
                    "token_type": "bearer",
                    "expires_in": LONG_LIVED_SECONDS,
                },
            )
        code = s.codes.get(query.get("code", ""))
        if code is None:
            raise GraphError("Invalid verification code format.", 100, subcode=36009)
        if code.used:
            raise GraphError("This authorization code has been used.", 100, subcode=36009)
        if code.expires_at <= s.now():
            raise GraphError("This authorization code has expired.", 100, subcode=36007)
        if query.get("redirect_uri") != code.redirect_uri:
            raise GraphError(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                100,
                subcode=36008,
            )
        code.used = True
        token = s.issue_token(
            "USER", code.scopes, code.page_ids, expires_at=s.now() + SHORT_LIVED_SECONDS
        )
        return Reply(
            200,
            {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": SHORT_LIVED_SECONDS,
            },
        )

    def me(self, query: Mapping[str, str]) -> Reply:
        token = self.token(query)
        fields = parse_fields(query.get("fields") or "id,name")
        if token.kind == "PAGE" and token.page_id is not None:
            return self.node(token.page_id, query)
        return Reply(200, project({"id": self.state.user.id, "name": self.state.user.name}, fields))

    def accounts(self, query: Mapping[str, str], base_url: str, segments: list[str]) -> Reply:
        token = self.token(query, kind="USER")
        if "pages_show_list" not in token.scopes:
            raise GraphError("(#200) Requires pages_show_list permission to manage the object", 200)
        fields = parse_fields(query.get("fields") or "id,name,access_token,category,tasks")
        try:
            limit = max(1, min(100, int(query.get("limit") or 1)))
        except ValueError as exc:
            raise GraphError("(#100) Param limit must be a number", 100) from exc
        start = _cursor_index(query.get("after"))
        pages = [self.state.pages[p] for p in token.page_ids if p in self.state.pages]
        chunk = pages[start : start + limit]
        data = []
        for page in chunk:
            page_token = self.state.page_token_for(page.id, token.scopes)
            values = {
                "id": page.id,
                "name": page.name,
                "category": page.category,
                "access_token": page_token.value,
                "tasks": page.tasks,
                "instagram_business_account": (
                    {"id": page.ig.id, "username": page.ig.username} if page.ig else None
                ),
            }
            data.append(project(values, fields))
        body: dict[str, Any] = {"data": data}
        if chunk:
            paging: dict[str, Any] = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(chunk) - 1)}
            }
            if start + len(chunk) < len(pages):
                nxt = {k: v for k, v in query.items() if k != "before"}
                nxt["after"] = _cursor(start + len(chunk) - 1)
                nxt["limit"] = str(limit)
                paging["next"] = f"{base_url}/{'/'.join(segments)}?{urlencode(nxt)}"
            if start > 0:
                prev = {k: v for k, v in query.items() if k != "after"}
                prev["before"] = _cursor(start)
                paging["previous"] = f"{base_url}/{'/'.join(segments)}?{urlencode(prev)}"
            body["paging"] = paging
        return Reply(200, body)

    def node(self, object_id: str, query: Mapping[str, str]) -> Reply:
        token = self.token(query)
        fields = parse_fields(query.get("fields") or "id,name")
        page = self.state.pages.get(object_id)
        if page is not None:
            allowed = token.page_ids if token.kind == "USER" else [token.page_id]
            if page.id not in allowed:
                raise unsupported("get", object_id)
            values: dict[str, Any] = {
                "id": page.id,
                "name": page.name,
                "category": page.category,
                "instagram_business_account": (
                    {"id": page.ig.id, "username": page.ig.username} if page.ig else None
                ),
            }
            if token.kind == "USER":
                values["access_token"] = self.state.page_token_for(page.id, token.scopes).value
            return Reply(200, project(values, fields))
        for page in self.state.pages.values():
            if page.ig is not None and page.ig.id == object_id:
                return Reply(200, project({"id": page.ig.id, "username": page.ig.username}, fields))
        if object_id == self.state.user.id and token.kind == "USER":
            return Reply(
                200, project({"id": self.state.user.id, "name": self.state.user.name}, fields)
            )
        raise unsupported("get", object_id)

    def debug_token(self, query: Mapping[str, str]) -> Reply:
        self.app_token(query)
        s = self.state
        found = s.tokens.get(query.get("input_token", ""))
        if found is None:
            return Reply(
                200,
                {
                    "data": {
                        "error": {"code": 190, "message": "Invalid OAuth access token."},
                        "is_valid": False,
                        "scopes": [],
                    }
                },
            )
        data: dict[str, Any] = {
            "app_id": s.app_id,
            "type": found.kind,
            "application": s.app_name,
            "data_access_expires_at": found.data_access_expires_at,
            "expires_at": found.expires_at,
            "is_valid": True,
            "issued_at": found.issued_at,
            "scopes": found.scopes,
            "granular_scopes": [
                {"scope": sc, "target_ids": found.page_ids}
                for sc in found.scopes
                if sc.startswith("pages_")
            ],
            "user_id": found.user_id,
        }
        if found.page_id is not None:
            data["profile_id"] = found.page_id
        try:
            self.check_alive(found)
        except GraphError as exc:
            data["is_valid"] = False
            data["error"] = {"code": exc.code, "message": exc.message, "subcode": exc.subcode}
        return Reply(200, {"data": data})

    def subscribed_apps(
        self, method: str, page_id: str, query: Mapping[str, str], body: Mapping[str, Any]
    ) -> Reply:
        page = self.page(page_id, method)
        self.page_token(query, page)
        s = self.state
        if method == "GET":
            data = []
            if page_id in s.subscriptions:
                data.append(
                    {
                        "category": "Business",
                        "link": "https://salonhub.example",
                        "name": s.app_name,
                        "id": s.app_id,
                        "subscribed_fields": s.subscriptions[page_id],
                    }
                )
            return Reply(200, {"data": data})
        if method == "POST":
            raw = str(query.get("subscribed_fields") or body.get("subscribed_fields") or "")
            fields = [f.strip() for f in raw.split(",") if f.strip()]
            if not fields:
                raise GraphError("(#100) The parameter subscribed_fields is required.", 100)
            s.subscriptions[page_id] = fields
            s.subscription_log.append(
                {
                    "action": "subscribe",
                    "page_id": page_id,
                    "subscribed_fields": fields,
                    "at": s.now(),
                }
            )
            return Reply(200, {"success": True})
        if method == "DELETE":
            s.subscriptions.pop(page_id, None)
            s.subscription_log.append({"action": "unsubscribe", "page_id": page_id, "at": s.now()})
            return Reply(200, {"success": True})
        raise unsupported(method, page_id)

    def messenger_profile(
        self, method: str, page_id: str, query: Mapping[str, str], body: Mapping[str, Any]
    ) -> Reply:
        """The Messenger Profile API: POST sets the fields given, GET reads them back."""
        page = self.page(page_id, method)
        self.page_token(query, page)
        s = self.state
        if method == "GET":
            profile = s.messenger_profiles.get(page_id)
            return Reply(200, {"data": [profile] if profile else []})
        if method != "POST":
            raise unsupported(method, page_id)
        profile = {k: _as_json(v) for k, v in body.items() if k != "access_token"}
        if not profile:
            raise GraphError("(#100) You must specify at least one profile field.", 100)
        current = s.messenger_profiles.get(page_id, {})
        if "persistent_menu" in profile and "get_started" not in {**current, **profile}:
            raise GraphError(
                "(#100) You must set a Get Started button if you also wish to use persistent menu.",
                100,
                subcode=2018145,
            )
        s.messenger_profiles[page_id] = {**current, **profile}
        s.profile_log.append({"page_id": page_id, "profile": profile, "at": s.now()})
        return Reply(200, {"result": "success"})

    def revoke(self, query: Mapping[str, str]) -> Reply:
        token = self.token(query, kind="USER")
        s = self.state
        for other in s.tokens.values():
            if other.user_id == token.user_id and other.dead_subcode is None:
                other.dead_subcode = 458
        s.subscriptions.clear()
        s.revocations.append({"user_id": token.user_id, "at": s.now()})
        return Reply(200, {"success": True})

    def fbe_installs(self, query: Mapping[str, str]) -> Reply:
        self.token(query)
        ext = query.get("fbe_external_business_id", "")
        if not ext:
            raise GraphError("(#100) The parameter fbe_external_business_id is required", 100)
        install = self.state.installs.get(ext)
        if install is None:
            return Reply(200, {"data": []})
        public = {k: v for k, v in install.items() if k not in ("setup", "business_config")}
        return Reply(200, {"data": [public]})

    def fbe_uninstall(self, query: Mapping[str, str]) -> Reply:
        self.token(query)
        ext = query.get("fbe_external_business_id", "")
        s = self.state
        if ext not in s.installs:
            raise GraphError("(#100) No FBE install found for this external business id", 100)
        s.installs.pop(ext)
        s.install_log.append({"action": "uninstall", "external_business_id": ext, "at": s.now()})
        return Reply(200, {"success": True})

    def send_message(
        self, page_id: str, query: Mapping[str, str], body: Mapping[str, Any]
    ) -> Reply:
        page = self.page(page_id, "POST")
        self.page_token(query, page)
        s = self.state
        recipient = _as_json(body.get("recipient")) or {}
        message = _as_json(body.get("message")) or {}
        rid = str(recipient.get("id", "")) if isinstance(recipient, Mapping) else ""
        if not isinstance(message, Mapping) or not ("text" in message or "attachment" in message):
            raise GraphError("(#100) The parameter message is required", 100)
        messaging_type = str(body.get("messaging_type") or "RESPONSE")
        tag = body.get("tag")
        if messaging_type == "UTILITY":
            return self.send_utility(page, rid, message)
        if messaging_type not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            raise GraphError(
                "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, "
                "UTILITY}",
                100,
            )
        if messaging_type == "MESSAGE_TAG" and not tag:
            raise GraphError("(#100) Param tag is required for messaging_type MESSAGE_TAG", 100)
        if tag in SUNSET_TAGS:
            raise GraphError(
                f"(#100) The tag {tag} is no longer supported. Use Utility Messages instead.",
                100,
                subcode=2018344,
            )
        text = message.get("text")
        if isinstance(text, str) and len(text) >= 2000:
            raise GraphError(
                "(#100) Length of param message[text] must be less than or equal to 2000", 100
            )
        meta = message.get("metadata")
        if isinstance(meta, str) and len(meta) >= 1000:
            raise GraphError("(#100) Length of param message[metadata] must be less than 1000", 100)
        customers = s.recipient_ids(page_id)
        if rid not in customers:
            raise GraphError("(#100) No matching user found", 100, subcode=2018001)
        is_ig = page.ig is not None and customers[rid].igsid == rid
        last = s.last_interaction.get((page_id, rid))
        age = None if last is None else s.now() - last
        inside = age is not None and age <= WINDOW_SECONDS
        if tag == "HUMAN_AGENT":
            inside = age is not None and age <= HUMAN_AGENT_SECONDS
        elif tag is not None and is_ig:
            raise GraphError("(#100) Instagram allows only the HUMAN_AGENT tag", 100)
        if not inside:
            raise GraphError(
                "(#10) This message is sent outside of allowed window. Learn more about the new "
                "policy here: https://developers.facebook.com/docs/messenger-platform/policy-"
                "overview",
                10,
                subcode=2018278,
            )
        mid = "m_" + secrets.token_urlsafe(24)
        s.sent_messages.append(
            {
                "page_id": page_id,
                "platform": "instagram" if is_ig else "messenger",
                "recipient_id": rid,
                "messaging_type": messaging_type,
                "tag": tag,
                "message": dict(message),
                "message_id": mid,
                "at": s.now(),
            }
        )
        return Reply(200, {"recipient_id": rid, "message_id": mid})

    def send_utility(self, page: Page, rid: str, message: Mapping[str, Any]) -> Reply:
        """A Utility Message: a template, allowed outside the window, Messenger only, and
        only for Pages in a market Meta enabled (the sandbox's `utility_markets` control)."""
        s = self.state
        attachment = message.get("attachment")
        payload = attachment.get("payload") if isinstance(attachment, Mapping) else None
        if not isinstance(payload, Mapping) or payload.get("template_type") != "utility":
            raise GraphError("(#100) A UTILITY message needs a utility template attachment", 100)
        if not payload.get("template_name"):
            raise GraphError("(#100) Param template_name is required", 100)
        customers = s.recipient_ids(page.id)
        if rid not in customers or customers[rid].igsid == rid:
            raise GraphError("(#100) No matching user found", 100, subcode=2018001)
        if page.id in s.utility_blocked_pages:
            raise GraphError("(#10) Utility Messages are not available for this Page's market", 10)
        mid = "m_" + secrets.token_urlsafe(24)
        s.sent_messages.append(
            {
                "page_id": page.id,
                "platform": "messenger",
                "recipient_id": rid,
                "messaging_type": "UTILITY",
                "tag": None,
                "message": dict(message),
                "message_id": mid,
                "at": s.now(),
            }
        )
        return Reply(200, {"recipient_id": rid, "message_id": mid})


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{index}".encode()).decode().rstrip("=")


def _cursor_index(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.removeprefix("idx:")) + 1
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphError("(#100) Invalid cursor", 100) from exc


def _as_json(value: Any) -> Any:
    """Form posts carry `recipient`/`message` as JSON strings; JSON posts as objects."""
    if isinstance(value, str):
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError:
            return None
    return value
