"""Graph's token endpoints: oauth/access_token, me, debug_token and me/permissions (revoke)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fields import parse_fields, project
from .graph_errors import GraphError, Reply
from .graph_pages import PageEndpoints
from .state import LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS


class TokenEndpoints(PageEndpoints):
    """The OAuth side of Graph (`me` with a Page token answers the Page's node)."""

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

    def revoke(self, query: Mapping[str, str]) -> Reply:
        token = self.token(query, kind="USER")
        s = self.state
        for other in s.tokens.values():
            if other.user_id == token.user_id and other.dead_subcode is None:
                other.dead_subcode = 458
        s.subscriptions.clear()
        s.revocations.append({"user_id": token.user_id, "at": s.now()})
        return Reply(200, {"success": True})
